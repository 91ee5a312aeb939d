"""The explorers in a real browser: JupyterLab + headless Chromium, driven by Playwright.

Catches what kernel-side tests cannot: "Error displaying widget" from mismatched front-end and
kernel packages, widgets stuck on "Loading widget...", and controls that do not reach the kernel.
Screenshots go to test-artifacts/browser/. In CI (CI=true) a missing Chromium or Playwright fails
the test with instructions; elsewhere it is skipped with the same message.
"""
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

# Small notebooks of the explorers alone: the lessons themselves already run twice in the test
# command (nbval, and the offline/other-kernels test), and a third run here would add their
# training time without testing anything new about the front-end.
SETUP = "import dlcourse as dl\ndl.setup()"
EXPLORER_NOTEBOOKS = {
    "stepper": ["dl.widgets.BackpropStepper()"],
    "neuron": ["dl.widgets.NeuronExplorer()"],
    "all_explorers": [
        "dl.widgets.NeuronExplorer()", "dl.widgets.ActivationExplorer()", "dl.widgets.OptimizerRace()",
        "dl.widgets.BackpropStepper()", "dl.widgets.Playground()", "dl.widgets.ConvolutionExplorer()",
        "dl.widgets.GradientsThroughTime(lag=10)",
        "digits = dl.data.load_digits(val_size=0)\n"
        "dl.widgets.FeatureMapViewer(dl.models.CNN(), digits.X_test[:5], digits.y_test[:5])",
        "dl.widgets.LatentExplorer(dl.models.AutoEncoder(64, (16,), 2), dl.models.AutoEncoder(64, (16,), 4))",
        "dl.widgets.AttentionExplorer()",
        "dl.widgets.CharLMSampler(dl.models.CharGPT(dl.data.load_char_corpus().chars))",
        "dl.widgets.GANLab()",
        "dl.widgets.ArchitectureRace('spirals')"],
}


def _unavailable(reason):
    message = (f"browser test cannot run: {reason}. Install Chromium (Debian: apt-get install chromium) "
               "and Playwright (pip install playwright; its own browser download is not needed).")
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _unavailable(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package 'playwright' is not installed")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free loopback port, empty token, private config; always shut down."""
    root = tmp_path_factory.mktemp("lab")
    for name, cells in EXPLORER_NOTEBOOKS.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in (SETUP, *cells)])
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(nb, root / f"{name}.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(root / ".config"), JUPYTER_RUNTIME_DIR=str(root / ".runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(root / ".workspaces"))
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={root}", "--allow-root",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/api", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"JupyterLab did not start; log:\n{(root / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _run_notebook(browser, lab, name):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{lab}/lab/workspaces/{name}-{int(time.time())}/tree/{name}.ipynb?reset")
    page.wait_for_function(
        """() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                   const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                   return !!k && k.status === 'idle'; }""", timeout=90_000, polling=250)
    # the command's promise resolves once every cell has run
    ok = page.evaluate("async () => await window.jupyterapp.commands.execute('notebook:run-all-cells')")
    assert ok is not False, f"{name}: run-all reported a failed cell"
    page.wait_for_function("window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                           timeout=120_000, polling=250)
    page.wait_for_timeout(1500)  # let the last widget images arrive
    return page


def _assert_widgets_rendered(page, name, expected):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-after-run.png"), full_page=True)
    outputs = page.locator(".jp-OutputArea-output")
    assert outputs.filter(has_text="Error displaying widget").count() == 0
    assert outputs.filter(has_text="Loading widget").count() == 0
    assert page.locator(".jp-Notebook .jp-OutputArea-output").filter(has_text="Traceback").count() == 0
    images = page.locator(".jp-OutputArea-output img.widget-image")
    assert images.count() >= expected, f"{name}: {images.count()} widget images rendered, expected {expected}"
    return images


def _wait_for_new_picture(page, image, old_src):
    page.wait_for_function("([el, src]) => el.getAttribute('src') !== src",
                           arg=[image.element_handle(), old_src], timeout=20_000)


def _first_widget(page, name):
    """After run-all: the first explorer's picture, its output area and its explanation text."""
    image = _assert_widgets_rendered(page, name, 1).first
    widget = page.locator(".jp-OutputArea-output:has(img.widget-image)").first
    widget.scroll_into_view_if_needed()
    return image, widget, widget.locator(".widget-html-content").first


def test_every_explorer_renders_in_browser(browser, lab):
    name = "all_explorers"
    page = _run_notebook(browser, lab, name)
    try:
        _assert_widgets_rendered(page, name, len(EXPLORER_NOTEBOOKS[name]))
    finally:
        page.close()


def test_backprop_stepper_in_browser(browser, lab):
    from playwright.sync_api import expect

    name = "stepper"
    page = _run_notebook(browser, lab, name)
    try:
        image, widget, info = _first_widget(page, name)
        expect(info).to_contain_text("Ready", timeout=20_000)
        step = widget.get_by_role("button", name="Step")
        before = image.get_attribute("src")
        step.click()
        _wait_for_new_picture(page, image, before)
        expect(info).to_contain_text("Data in", timeout=20_000)
        before = image.get_attribute("src")
        step.click()
        _wait_for_new_picture(page, image, before)
        expect(info).to_contain_text("Forward, layer 1", timeout=20_000)
        widget.screenshot(path=str(ARTIFACTS / f"{name}-stepper-after-clicks.png"))
    finally:
        page.close()


def test_neuron_explorer_slider_in_browser(browser, lab):
    from playwright.sync_api import expect

    name = "neuron"
    page = _run_notebook(browser, lab, name)
    try:
        image, widget, info = _first_widget(page, name)
        expect(info).to_contain_text("(1.0)·(1.0)", timeout=20_000)  # w1 = 1.0 times x1 = 1.0
        before = image.get_attribute("src")
        handle = widget.locator(".noUi-handle").first  # the w1 slider
        handle.focus()
        for _ in range(5):
            handle.press("ArrowRight")
        _wait_for_new_picture(page, image, before)
        expect(info).not_to_contain_text("(1.0)·(1.0)", timeout=20_000)  # the formula shows the new weight
        widget.screenshot(path=str(ARTIFACTS / f"{name}-explorer-after-slider.png"))
    finally:
        page.close()
