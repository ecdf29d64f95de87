"""Pages whose results block htmx swaps in place (filters, search, pages) and that work without JS."""

from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def page_or_results(request, page_template: str, results_template: str, context: dict):
    # htmx asks for the results block only, so the search box keeps its focus; a history restore
    # (back button after the cache expired) wants the whole page.
    partial = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    response = render(request, results_template if partial else page_template, context)
    patch_vary_headers(response, ["HX-Request"])  # the browser must not show a cached fragment as a page
    return response
