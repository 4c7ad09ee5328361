"""Search's pages: the search itself (`searching`), and 教搜索 for editors (`teaching`)."""
