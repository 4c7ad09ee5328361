"""The search tables take the app's name: the models' tables and the full-text tables beside them.

The full-text tables are not models (see procedures migration 0006): SQLite's FTS5 tables are
renamed and their fts5vocab companions, which name their table, made anew; PostgreSQL's
tsvector table and its indexes are renamed.
"""

from django.db import migrations

RENAMES = {
    "sqlite": (
        [
            "DROP TABLE IF EXISTS procedures_searchhead_vocab",
            "DROP TABLE IF EXISTS procedures_searchcontent_vocab",
            "ALTER TABLE procedures_searchhead RENAME TO search_head",
            "ALTER TABLE procedures_searchcontent RENAME TO search_content",
            "CREATE VIRTUAL TABLE search_head_vocab USING fts5vocab(search_head, 'row')",
            "CREATE VIRTUAL TABLE search_content_vocab USING fts5vocab(search_content, 'row')",
        ],
        [
            "DROP TABLE IF EXISTS search_head_vocab",
            "DROP TABLE IF EXISTS search_content_vocab",
            "ALTER TABLE search_head RENAME TO procedures_searchhead",
            "ALTER TABLE search_content RENAME TO procedures_searchcontent",
            "CREATE VIRTUAL TABLE procedures_searchhead_vocab "
            "USING fts5vocab(procedures_searchhead, 'row')",
            "CREATE VIRTUAL TABLE procedures_searchcontent_vocab "
            "USING fts5vocab(procedures_searchcontent, 'row')",
        ],
    ),
    "postgresql": (
        [
            "ALTER TABLE procedures_searchvector RENAME TO search_vector",
            "ALTER INDEX procedures_searchvector_pkey RENAME TO search_vector_pkey",
            "ALTER INDEX procedures_searchvector_head RENAME TO search_vector_head",
            "ALTER INDEX procedures_searchvector_content RENAME TO search_vector_content",
        ],
        [
            "ALTER TABLE search_vector RENAME TO procedures_searchvector",
            "ALTER INDEX search_vector_pkey RENAME TO procedures_searchvector_pkey",
            "ALTER INDEX search_vector_head RENAME TO procedures_searchvector_head",
            "ALTER INDEX search_vector_content RENAME TO procedures_searchvector_content",
        ],
    ),
}


def rename_fulltext_tables(apps, schema_editor):
    for statement in RENAMES.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement)


def rename_fulltext_tables_back(apps, schema_editor):
    for statement in RENAMES.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.AlterModelTable(name="searchentry", table=None),
        migrations.AlterModelTable(name="searchmiss", table=None),
        migrations.AlterModelTable(name="synonym", table=None),
        migrations.RunPython(rename_fulltext_tables, rename_fulltext_tables_back),
    ]
