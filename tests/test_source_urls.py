"""Every source the app cites is a proper web address a reader can open and trust, never a
bare IP address (a mirror or proxy that happened to serve the page once)."""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from mesoclinic.safety.signal_steps import steps_for
from mesoclinic.safety.signals import LOT

ROOT = Path(__file__).resolve().parent.parent
SCANNED = ("mesoclinic", "docs", "bench", "tests", "README.md", "CONTRIBUTING.md")
SUFFIXES = {".py", ".html", ".txt", ".md", ".json", ".csv", ".js"}
URL = re.compile(r"https?://([^/\s\"'<>)\]]+)[^\s\"'<>)]*")


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SCANNED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    return found


def bare_ip_urls(text: str) -> list[str]:
    """URLs in ``text`` whose host is an IP address other than this machine's loopback (the
    development server's address is not a source)."""
    hits = []
    for match in URL.finditer(text):
        host = match.group(1).rsplit("@", 1)[-1]
        host = host.split("]")[0].lstrip("[") if host.startswith("[") else host.split(":")[0]
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            continue
        if not address.is_loopback:
            hits.append(match.group(0))
    return hits


def test_it_finds_a_bare_ip_address_url():
    # given the address the safety steps once cited, and ordinary ones
    text = 'see "http://47.251.13.51:8081/26441024" or https://pubmed.ncbi.nlm.nih.gov/26441024/'
    # when it is scanned
    hits = bare_ip_urls(text + " and http://127.0.0.1:8000/ for development")
    # then only the bare IP address is reported
    assert hits == ["http://47.251.13.51:8081/26441024"]


def test_it_cites_no_source_by_a_bare_ip_address_anywhere_in_the_repository():
    # given every source, template and document of the repository (this file excepted: it
    # quotes the bad address to prove the scan finds it)
    offenders = []
    for path in _files():
        if path == Path(__file__).resolve():
            continue
        # when each is scanned for URLs
        for url in bare_ip_urls(path.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{path.relative_to(ROOT)}: {url}")
    # then none points at a bare IP address
    assert offenders == []


def test_it_cites_environmental_sampling_by_its_pubmed_address():
    # given the steps suggested for a lot signal
    steps = {step.code: step for step in steps_for(LOT)}
    # then the Venezuelan tap-water outbreak is cited as in the shared reference (§4.3)
    assert steps["environmental_sampling"].source == "https://pubmed.ncbi.nlm.nih.gov/26441024/"
    # and every step's source is an https or http address with a host name
    for step in steps.values():
        assert re.match(r"https?://[a-z][a-z0-9.-]*\.[a-z]{2,}/", step.source), step.source
