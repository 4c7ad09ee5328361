"""A referral (转介清单) as the results page shows it: its phone numbers tap to call."""

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# A number among words (供电 95598；自来水 0571-8888 6600): digits, grouped by - or a space.
# static/js/search.js finds numbers with the same pattern.
NUMBER = re.compile(r"\d{3,}(?:[- ]\d{2,})*")


@register.filter
def dialled(phone: str) -> SafeString:
    """The text with each number a tel: link, as a procedure's 咨询电话 is."""
    parts, start = [], 0
    for found in NUMBER.finditer(phone):
        number = found.group()
        parts.append(escape(phone[start : found.start()]))
        parts.append(format_html('<a href="tel:{}">{}</a>', number.replace(" ", ""), number))
        start = found.end()
    parts.append(escape(phone[start:]))
    return mark_safe("".join(parts))  # every part above is escaped
