"""Every page of the Chinese site in Chromium: the checks of tests/site_visits.py."""

from tests.site_visits import SiteVisits


class TestChineseSite(SiteVisits):
    LANG = "zh"
