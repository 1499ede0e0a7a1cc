"""The HTML audit report, rendered by real headless Chromium: what a reviewer sees, that nothing from input runs,
that the page needs no network, that it is navigable by landmarks and headers, and that it prints a project per
page."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_fixtures import HOSTILE, SEND_MAIL, write_project

CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome") if shutil.which(n)), None)
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary (CI installs Debian's chromium)")


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


class Page(HTMLParser):
    """The rendered DOM as tags (with attributes), visible text, and text per element id."""

    def __init__(self, dom: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(dom)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("style", "title"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("style", "title"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)

    @property
    def visible(self) -> str:
        return " ".join(" ".join(self.text).split())

    def named(self, tag: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag]


@pytest.fixture
def audit_html(tmp_path, cli) -> Path:
    """Two projects: a hostile-named delegated one with an exception and an app-only one with tenant-wide roles."""
    write_project(tmp_path / "low", name=HOSTILE, activities=("Send Mail", "Write Range"), display_name=HOSTILE,
                  grants=[*SEND_MAIL, ("Tasks.Read", "delegated")],
                  accept=[{"permission": "Tasks.Read", "reason": "pilot <b>bold</b>", "owner": "sec@example.org",
                           "ticket": "SEC-9", "expires": "2099-01-31"}])
    write_project(tmp_path / "high", name="mailer", auth="application", activities=("Send Mail",),
                  display_name="Mailer app", grants=[("Mail.ReadWrite", "application"), ("Mail.Send", "application"),
                                                     ("Directory.ReadWrite.All", "application")])
    out = tmp_path / "report.html"
    run = cli("report", tmp_path, "-o", out)
    assert run.code == 0, run.stderr
    assert "wrote" in run.stderr
    return out


def test_html_is_self_contained_and_escapes_input(audit_html):
    html = audit_html.read_text(encoding="utf-8")
    assert "<script" not in html.lower() and "javascript:" not in html.lower().replace("(javascript:", "")
    assert not re.search(r"""\s(src|srcset)=|<link\b|@import|url\(""", html)
    assert re.search(r'<meta http-equiv="Content-Security-Policy" content="default-src \'none\'', html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "pilot &lt;b&gt;bold&lt;/b&gt;" in html
    assert "@media print" in html


@needs_chromium
def test_chromium_shows_the_audit_a_reviewer_needs(audit_html, tmp_path):
    dom = chromium(tmp_path, "--dump-dom", audit_html.as_uri()).stdout
    page = Page(dom)
    tags = [t for t, _ in page.tags]
    assert "script" not in tags and "img" not in tags
    assert not [a for a in page.named("a") if a.get("href", "").lower().startswith("javascript:")]
    text = page.visible
    # the hostile name is shown as text, character for character
    assert " ".join(HOSTILE.split()) in text
    # summary: the app-only project with tenant-wide roles ranks first
    summary = text[text.index("Summary across projects"):text.index("Privilege levels are")]
    assert summary.index("mailer") < summary.index(" ".join(HOSTILE.split()))
    assert re.search(r"1 mailer Mailer app 3 3 4 \(Directory\.ReadWrite\.All\)", summary)
    # evidence chain activity -> Graph call -> permission -> source
    assert re.search(r"Files\.ReadWrite Have full access to user files [0-9a-f-]{36} delegated no 2 missing "
                     r"target own Write Range \(manifest line \d+\) → PATCH /me/drive/items/.* → documented: "
                     r"https://docs\.uipath\.com/", text)
    # what the mailer needs and what it holds, each counted as the summary counts it (3 held, like the ranking row)
    assert ("Required permissions needing admin consent 2: Mail.ReadWrite (application), Mail.Send (application) "
            "Held permissions needing admin consent 3: ") in text
    assert re.search(r"What the registration requests .*Directory\.ReadWrite\.All .* excess", text)  # ... and holds
    # exceptions with reason, owner, ticket, expiry
    assert re.search(r"Tasks\.Read active 1 pilot <b>bold</b> sec@example\.org SEC-9 2099-01-31", text)
    # tool version, knowledge-base version, data date
    footer = text[text.rindex("Tool scopelint"):]
    assert re.search(r"Tool scopelint \d+\.\d+\.\d+ Knowledge base version \S+ Permission catalog retrieved "
                     r"\d{4}-\d{2}-\d{2} from", footer)


@needs_chromium
def test_page_structure_is_accessible(audit_html, tmp_path):
    page = Page(chromium(tmp_path, "--dump-dom", audit_html.as_uri()).stdout)
    tags = [t for t, _ in page.tags]
    assert page.named("html")[0].get("lang") == "en"
    for landmark in ("header", "nav", "main", "footer"):
        assert tags.count(landmark) == 1, landmark
    assert page.named("nav")[0].get("aria-label")
    assert tags.count("table") == tags.count("caption") >= 5
    assert all(a.get("scope") in ("col", "row") for a in page.named("th"))
    headings = [a for t, a in page.tags if t == "section"]
    assert all(s.get("aria-labelledby") for s in headings)
    assert tags.count("h1") == 1
    ids = {a["id"] for _, a in page.tags if "id" in a}
    assert all(a["href"][1:] in ids for a in page.named("a") if a.get("href", "").startswith("#"))


@needs_chromium
def test_it_prints_a_project_per_page_and_screenshots(audit_html, tmp_path):
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", audit_html.as_uri())
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3  # summary, then each project on a new page
    png = tmp_path / "report.png"
    chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,900", audit_html.as_uri())
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and png.stat().st_size > 10_000


def _luminance(hex_color: str) -> float:
    channels = [int(hex_color[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_every_text_colour_meets_wcag_aa_contrast_on_the_page_and_header_backgrounds(audit_html):
    css = re.search(r"<style>(.*?)</style>", audit_html.read_text(encoding="utf-8"), re.DOTALL).group(1)
    foregrounds = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{6})", css))
    backgrounds = set(re.findall(r"background:\s*(#[0-9a-fA-F]{6})", css))
    assert len(foregrounds) >= 6 and "#ffffff" in backgrounds
    for fg in foregrounds:
        for bg in backgrounds:
            hi, lo = sorted((_luminance(fg), _luminance(bg)), reverse=True)
            assert (hi + 0.05) / (lo + 0.05) >= 4.5, (fg, bg)
