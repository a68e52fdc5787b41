"""Template filters for the clinic's dates and times in the reader's language (wording.py).
`expects_localtime`: inside {% timezone %} the value arrives in the clinic's zone, as with
Django's own `date` filter."""

from __future__ import annotations

import datetime as dt

from django import template

from upperback.web.clinic import wording

register = template.Library()


@register.filter(expects_localtime=True)
def long_date(value: dt.date | dt.datetime) -> str:
    return wording.long_date(value) if value else ""


@register.filter(expects_localtime=True)
def short_day(value: dt.date) -> str:
    return wording.short_day(value) if value else ""


@register.filter(expects_localtime=True)
def clock(value: dt.datetime) -> str:
    return wording.clock(value) if value else ""


@register.filter(expects_localtime=True)
def zone_name(value: dt.datetime) -> str:
    return (value.tzname() or "") if value else ""
