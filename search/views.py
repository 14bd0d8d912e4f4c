from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from search.forms import SearchForm
from search.selectors import search


@login_required
def search_page(request):
    """Search what I may see: my circles' logs, responses and replies, and the commons."""
    form = SearchForm(request.GET, user=request.user)
    filters, notes = form.filters()
    results = search(
        user=request.user,
        text=request.GET.get("q", ""),
        filters=filters,
        page=request.GET.get("page", 1),
    )
    results.notes[:0] = notes
    context = {"form": form, "results": results, "active_filters": form.active_filters()}
    return render(request, "search/search.html", context)
