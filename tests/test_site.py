"""The fallback documentation site, opened in headless Chromium (Debian's chromium + chromedriver).

Checks per page: it loads, every <img> has loaded (complete, non-zero natural width), MathJax has
typeset the maths (no raw `$...$` left in rendered Markdown), and the index links every notebook.
"""
import functools
import http.server
import os
import re
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

from matrl_nb.site import build_fallback_site, page_name, site_pages

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def site():
    out = Path(tempfile.mkdtemp(prefix="matrl_nb_site_"))
    build_fallback_site(out, quiet=True)
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a): pass
    handler = functools.partial(Quiet, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    shutil.rmtree(out)


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        msg = "Debian's chromium and chromium-driver are needed (make test installs them as root)"
        if os.environ.get("CI"): pytest.fail(msg)
        pytest.skip(msg)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              "--disable-dev-shm-usage", f"--user-data-dir={tempfile.mkdtemp(prefix='chromium_')}"]:
        opts.add_argument(a)
    # the driver is given by path so selenium never tries to download one
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def test_index_links_every_notebook(site):
    out, _ = site
    html = (out / "index.html").read_text()
    for p in site_pages():
        assert f'href="{page_name(p)}"' in html, f"index does not link {p.name}"
        assert (out / page_name(p)).exists()


def has_maths(nb_path):
    "Whether a notebook's Markdown cells hold $...$ maths outside code spans."
    import json
    md = "\n".join("".join(c["source"]) for c in json.loads(Path(nb_path).read_text())["cells"] if c["cell_type"] == "markdown")
    md = re.sub(r"```.*?```|`[^`]*`", "", md, flags=re.S)
    return bool(re.search(r"\$[^$\s][^$]*\$", md))


WAIT_MATHJAX = """
const done = arguments[arguments.length - 1];
if (!window.MathJax || !MathJax.Hub) { done('no-mathjax'); return; }
MathJax.Hub.Queue(function () { done('typeset'); });
"""
PAGE_STATE = """
const imgs = Array.from(document.images);
const md = Array.from(document.querySelectorAll('.jp-RenderedMarkdown, .jp-MarkdownOutput'));
return {
  n_img: imgs.length,
  broken: imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => (i.src || '').slice(0, 80)),
  // rendered prose without code spans, where a literal `$` is legitimate
  md_text: md.map(e => { const c = e.cloneNode(true); c.querySelectorAll('code, pre, script').forEach(x => x.remove());
                         return c.textContent; }).join('\\n'),
  n_math: document.querySelectorAll('.MathJax, .MathJax_Display, .MathJax_SVG, .MathJax_CHTML').length,
  title: document.title,
  nav_links: document.querySelectorAll('nav.matrl-sidebar a').length,
};
"""


def test_every_page_loads_with_images_and_maths(site, browser):
    out, base = site
    pages = site_pages()
    browser.set_script_timeout(60)
    for p in pages:
        browser.get(f"{base}/{page_name(p)}")
        assert browser.execute_script("return document.readyState") == "complete"
        status = browser.execute_async_script(WAIT_MATHJAX)
        assert status == "typeset", f"{p.name}: MathJax did not load ({status})"
        s = browser.execute_script(PAGE_STATE)
        assert s["nav_links"] >= len(pages), f"{p.name}: sidebar incomplete"
        assert not s["broken"], f"{p.name}: images that did not load: {s['broken']}"
        raw = re.findall(r"\$[^$\s][^$\n]{0,80}\$", s["md_text"])
        assert not raw, f"{p.name}: maths left untypeset: {raw[:3]}"
        if has_maths(p):
            assert s["n_math"] > 0, f"{p.name}: has maths but nothing was typeset"
