from django.http import HttpResponse


def page_not_found(request):
    return HttpResponse("Not found", status=404)


def server_error(request):
    return HttpResponse("Server error", status=500)
