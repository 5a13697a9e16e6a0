"""JupyterLab on 127.0.0.1 in headless Chromium (Debian's /usr/bin/chromium; never `playwright install`).

One JupyterLab server and one browser page serve the whole browser suite:

- `lab`: the server's base URL. It serves a temp copy of the repository's notebooks/, exercises/ and minigrad/
  (so relative links such as ../minigrad/... and ../exercises/... resolve), with isolated Jupyter dirs, so
  nothing touches the repository or the home directory. The copy is not trusted, as for a learner who has not
  run `make lab`; Markdown opens rendered, as `make lab` sets up.
- `lab_root`: the served directory (a pathlib.Path); tests may write scratch notebooks into it.
- `lab_env`: the server's environment (isolated Jupyter dirs), e.g. to `jupyter trust` a notebook for it.
- `jlab`: a `JupyterLab` driver around one shared page with JupyterLab loaded once: `open(path)`, `run_all()`,
  `cells()`, `close_all()`. Tests use it in turn; each opens what it needs and `close_all()` shuts the kernels.
- `page`: the shared page itself (fails the test if the page requested anything outside loopback).

No Chromium or Playwright: skip locally, fail under CI.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",  # resolve nothing but loopback
]
REPO = Path(__file__).resolve().parents[2]
NB_DIR = str(REPO / "notebooks")
SERVED = ("notebooks", "exercises", "minigrad")  # copied side by side, as in the repository
TOKEN = "e2e-token"
LOOPBACK = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")
# what `make lab` writes into JupyterLab's app settings (Makefile: LAB_SETTINGS): Markdown opens rendered
LAB_OVERRIDES = {"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Markdown Preview"}}}
VIEWPORT = {"width": 1400, "height": 1000}
KERNEL_TIMEOUT = 90  # seconds for a kernel to start
RUN_TIMEOUT = 240  # seconds for one notebook's Run All (lesson 13 trains for up to a minute)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (apt-get install chromium): the browser test cannot run")
        pytest.skip("chromium is not installed (`make test` installs it as root; else apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed")
        pytest.skip("playwright is not installed (the `test` extra: pip install -e '.[test]')")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def lab_root(tmp_path_factory):
    """A copy of notebooks/, exercises/ and minigrad/ (whichever exist), served as JupyterLab's root."""
    root = tmp_path_factory.mktemp("lab") / "course"
    root.mkdir()
    for name in SERVED:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name,
                            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc"))
    return root


@pytest.fixture(scope="session")
def lab_env(lab_root):
    """The environment of the server and its kernels: every Jupyter directory isolated under the temp dir
    (a `jupyter trust` run with it signs notebooks for this server, as `make lab` does for a learner)."""
    home = lab_root.parent
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"),
               MPLCONFIGDIR=str(home / "mpl"), PYTHONHASHSEED="0")
    env.pop("COURSE_NO_GRAPHVIZ", None)
    return env


@pytest.fixture(scope="session")
def lab(browser, lab_root, lab_env):
    """JupyterLab serving `lab_root`; yields its base URL."""
    home = lab_root.parent
    settings = home / "user-settings" / "@jupyterlab"
    (settings / "apputils-extension").mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    # every cell attached to the page, so a check can read any cell without scrolling it into view
    (settings / "notebook-extension").mkdir()
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    app_settings = home / "app-settings"
    (app_settings / "overrides.d").mkdir(parents=True)
    (app_settings / "overrides.d" / "minigrad-course.json").write_text(json.dumps(LAB_OVERRIDES))
    port = _free_port()
    log_path = Path(os.environ.get("E2E_LAB_LOG", home / "lab.log"))  # the server's log, for a failing run
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
         "--ip=127.0.0.1", f"--port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={lab_root}",
         f"--LabApp.user_settings_dir={home / 'user-settings'}",
         f"--LabApp.app_settings_dir={app_settings}",
         f"--LabApp.workspaces_dir={home / 'workspaces'}",
         "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: open and run notebooks without menus
         "--LabApp.extension_manager=readonly", "--LabApp.news_url=None",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=lab_root, env=lab_env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
            break
        except OSError:
            if proc.poll() is not None or time.time() > deadline:
                proc.kill()
                raise RuntimeError("jupyter lab did not start:\n" + log_path.read_text()) from None
            time.sleep(0.3)
    yield base
    proc.send_signal(signal.SIGTERM)  # lab shuts its kernels down on SIGTERM
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # any straggler kernel in the group
    except ProcessLookupError:
        pass
    log.close()


class JupyterLab:
    """Drives the JupyterLab page through its own command registry (window.jupyterapp), not through menus."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.outside = []  # requests that left loopback
        page.on("request", lambda r: self.outside.append(r.url) if not r.url.startswith(LOOPBACK) else None)

    def load(self):
        """(Re)load JupyterLab with a fresh workspace; waits until the app is restored."""
        self.page.goto(f"{self.base}/lab/workspaces/e2e?reset&token={TOKEN}")
        self.page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        self.page.evaluate("async () => { await window.jupyterapp.restored; }")

    def ensure_loaded(self):
        if not self.page.evaluate("() => !!(window.jupyterapp && window.jupyterapp.shell)"):
            self.load()

    def open(self, path, factory="Notebook", wait_kernel=True):
        """Open `path` (relative to the served root) alone in the main area; for notebooks wait for an idle kernel."""
        self.ensure_loaded()
        self.close_all()
        self.page.evaluate("""async ([path, factory]) => {
            const app = window.jupyterapp;
            const args = factory ? {path, factory} : {path};
            const widget = await app.commands.execute('docmanager:open', args);
            await widget.context.ready;
            app.shell.activateById(widget.id);
        }""", [path, factory])
        if factory == "Notebook" and wait_kernel:  # a connected, idle kernel (before that, Run All does nothing)
            self.page.wait_for_function("""() => {
                const w = window.jupyterapp.shell.currentWidget;
                const kernel = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
                return kernel && kernel.status === 'idle' && kernel.connectionStatus === 'connected';
            }""", timeout=KERNEL_TIMEOUT * 1000)

    def run_all(self, timeout=RUN_TIMEOUT):
        """Run All Cells in the current notebook, as a learner would, and wait until the kernel has run them all.

        The command's promise settles early when a cell fails (also a raises-exception cell, after which the
        kernel goes on), so completion is a silent request sent behind the cells: the kernel answers it only
        after every cell queued before it has run (or was aborted after an untagged error).
        """
        self.page.evaluate("""async (timeout) => {
            const w = window.jupyterapp.shell.currentWidget;
            const finished = (async () => {
                try {
                    await window.jupyterapp.commands.execute('notebook:run-all-cells');
                } catch (e) { /* a cell failed: the kernel may still be running the others */ }
                const kernel = w.sessionContext.session.kernel;
                await kernel.requestExecute({code: '', silent: true, store_history: false, stop_on_error: false}).done;
            })();
            const late = new Promise((_, reject) => setTimeout(() => reject(new Error('Run All took longer than '
                                                                                      + timeout + ' ms')), timeout));
            await Promise.race([finished, late]);
        }""", timeout * 1000)
        # widget views render asynchronously once their output has arrived
        self.page.wait_for_function("""() => !window.jupyterapp.shell.currentWidget.content.node.innerText
                                           .includes('Loading widget...')""", timeout=30_000)

    def cells(self):
        """Every cell of the current notebook: type, tags, execution count, outputs (nbformat JSON) and what shows."""
        return self.page.evaluate("""() => {
            const w = window.jupyterapp.shell.currentWidget;
            return w.content.widgets.map((cell, index) => {
                const model = cell.model;
                const item = {index, type: model.type, tags: model.getMetadata('tags') || [],
                              source: model.sharedModel.getSource()};
                if (model.type !== 'code') return item;
                item.executionCount = model.executionCount;
                item.outputs = model.outputs.toJSON();
                const area = cell.outputArea.node;
                item.pictures = Array.from(area.querySelectorAll('.jp-RenderedImage img, .jp-RenderedSVG img'))
                    .map(img => ({complete: img.complete, width: img.naturalWidth, height: img.naturalHeight}));
                item.text = area.innerText;
                item.widgetErrors = area.querySelectorAll('.jupyter-widgets-error-widget').length
                    + (area.innerText.includes('Error displaying widget') ? 1 : 0);
                item.widgetViews = Array.from(area.querySelectorAll(
                    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.widget-view+json"]'))
                    .map(node => ({height: node.getBoundingClientRect().height,
                                   widgets: node.querySelectorAll('.jupyter-widgets').length}));
                return item;
            });
        }""")

    def wait_pictures_loaded(self, timeout=15):
        """Wait until every image in the current notebook's outputs has decoded."""
        self.page.wait_for_function("""() => {
            const w = window.jupyterapp.shell.currentWidget;
            return Array.from(w.content.node.querySelectorAll('.jp-OutputArea img')).every(img => img.complete);
        }""", timeout=timeout * 1000)

    def close_all(self):
        """Shut down every kernel this page started and close every document without saving."""
        self.page.evaluate("""async () => {
            const app = window.jupyterapp;
            for (const w of Array.from(app.shell.widgets('main'))) {
                if (w.context) w.context.model.dirty = false;  // nothing is saved back: no dialog
                if (w.sessionContext && w.sessionContext.session) {
                    try { await w.sessionContext.shutdown(); } catch (e) { /* already gone */ }
                }
                w.dispose();
            }
            await app.serviceManager.sessions.refreshRunning();
        }""")


@pytest.fixture(scope="session")
def _shared_page(browser, lab):
    context = browser.new_context(viewport=VIEWPORT)
    driver = JupyterLab(context.new_page(), lab)
    driver.load()
    yield driver
    try:
        driver.close_all()
    finally:
        context.close()


@pytest.fixture
def jlab(_shared_page):
    """The shared JupyterLab driver; after the test, its documents are closed and its kernels shut down."""
    before = len(_shared_page.outside)
    _shared_page.page.set_viewport_size(VIEWPORT)
    yield _shared_page
    _shared_page.ensure_loaded()
    _shared_page.close_all()
    outside = _shared_page.outside[before:]
    assert not outside, f"page requested outside URLs: {outside}"


@pytest.fixture
def page(jlab):
    """The shared page (JupyterLab already loaded at `lab`)."""
    return jlab.page
