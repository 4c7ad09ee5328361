from django.urls import path

from search.views import searching, teaching

app_name = "search"

urlpatterns = [
    path("api/search", searching.api, name="api"),
    path("search/", searching.results, name="results"),
    path("search/misses/<int:pk>/", teaching.miss, name="miss"),
]
