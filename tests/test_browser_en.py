"""Every page of the English site in Chromium: the checks of tests/site_visits.py."""

from tests.site_visits import SiteVisits


class TestEnglishSite(SiteVisits):
    LANG = "en"
