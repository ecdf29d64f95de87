"""{{ files|preview_links }}: the signed preview links of stored print files, for dashboard thumbnails."""

from django import template

from platen.preflight.downloads import preview_link

register = template.Library()


@register.filter
def preview_links(files) -> list[dict]:
    return [{"type": f.type, "url": link} for f in files
            if (link := preview_link(f.content_sha256, absolute=False))]
