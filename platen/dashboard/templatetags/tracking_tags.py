"""The order page's packages (production.services.tracking.package_views), for dashboard/orders/_packages.html."""

from django import template

from platen.production.services.tracking import package_views

register = template.Library()


@register.simple_tag
def order_packages(order):
    return package_views(order)
