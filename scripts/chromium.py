"""Debian's Chromium, headless, as this project starts it (PDFs, browser tests, page weight)."""

import shutil

EXECUTABLE = shutil.which("chromium") or "/usr/bin/chromium"
# Needed as root in a container, and to keep Chromium from calling Google's services.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def available() -> bool:
    return shutil.which("chromium") is not None


def launch(playwright):
    return playwright.chromium.launch(executable_path=EXECUTABLE, args=FLAGS)
