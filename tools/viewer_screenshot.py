"""The viewer in a real JupyterLab, driven by headless Chromium through Playwright.

    python tools/viewer_screenshot.py [--run RUN_DIR] [--out docs/viewer.png] [--kpt 3]

starts JupyterLab on a free loopback port with a fresh token in a temporary folder, writes a notebook that shows
`mvkp.viewer.Viewer` on the run (default: a tiny run trained here in a few seconds), opens it in Debian's
/usr/bin/chromium, runs all cells, moves the frame slider and saves a screenshot of the widget. The functions are
also used by tests/test_viewer_browser.py. Needs: Debian `chromium`, the `playwright` Python package (no
`playwright install`: the system Chromium is used), and `jupyterlab`.
"""
from __future__ import annotations
import argparse, contextlib, importlib.util, io, json, os, secrets, shutil, socket, subprocess, sys, tempfile, time
import urllib.error, urllib.request
from pathlib import Path

from mvkp.data import atomic_write

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get('MVKP_CHROMIUM', '/usr/bin/chromium')
FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']


def missing() -> str | None:
    "Why the browser check cannot run on this machine, or None when it can."
    if not Path(CHROMIUM).exists(): return f'no Chromium at {CHROMIUM} (apt-get install chromium)'
    for mod, pkg in (('playwright.sync_api', 'playwright'), ('jupyterlab', 'jupyterlab'), ('ipykernel', 'ipykernel')):
        try:
            if importlib.util.find_spec(mod) is None: return f'Python package {pkg} is not installed'
        except ModuleNotFoundError: return f'Python package {pkg} is not installed'
    return None


def tiny_run(d: Path) -> Path:
    "A tiny synthetic dataset and a 4-step run in `d` (a few seconds on a CPU)."
    from mvkp.synthetic import make_synthetic, TINY
    from mvkp.train import make_config, train
    data = make_synthetic(d / 'tiny', **TINY, workers=1)
    cfg = make_config('smoke', steps=4, batch_frames=2, n_kpts=8, width=8, det_width=8, crop_size=32, det_size=32,
                      mask_res=16, workers=0, fig_every=0, ckpt_every=4, warmup=1, log_every=1)
    train(cfg, data, d / 'run', progress=False)
    return d / 'run'


def write_notebook(path: Path, run_dir: Path, figsize=(9, 4.6), kpt: int = -1):
    "A notebook whose one cell shows the viewer on `run_dir`."
    src = (f'import sys; sys.path.insert(0, {str(ROOT)!r})\n'
           'from mvkp.viewer import Viewer\n'
           f'viewer = Viewer({str(run_dir)!r}, figsize={tuple(figsize)!r})\n'
           f'viewer.kpt.value = {kpt}\n'
           'viewer')
    nb = dict(nbformat=4, nbformat_minor=5, metadata=dict(kernelspec=dict(name='python3', display_name='Python 3', language='python')),
              cells=[dict(cell_type='code', id='viewer', metadata={}, execution_count=None, outputs=[], source=src)])
    path.write_text(json.dumps(nb, indent=1))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]


def _get(url: str, timeout=5.):
    with urllib.request.urlopen(url, timeout=timeout) as r: return r.status, r.read()


@contextlib.contextmanager
def jupyter_lab(root: Path, timeout: float = 120.):
    "Run JupyterLab on loopback with `root` as its folder; yields (base_url, token); shuts it (and its kernels) down."
    port, token = _free_port(), secrets.token_hex(16)
    home = Path(tempfile.mkdtemp(prefix='mvkp-lab-'))
    env = {k: v for k, v in os.environ.items() if k != 'MPLBACKEND'}      # the kernel gets the user's default backend
    env.update(JUPYTER_CONFIG_DIR=str(home / 'config'), JUPYTER_RUNTIME_DIR=str(home / 'runtime'),
               JUPYTERLAB_SETTINGS_DIR=str(home / 'settings'), JUPYTERLAB_WORKSPACES_DIR=str(home / 'workspaces'),
               IPYTHONDIR=str(home / 'ipython'), OMP_NUM_THREADS='1', PYTHONPATH=os.pathsep.join(
                   [str(ROOT)] + ([env['PYTHONPATH']] if env.get('PYTHONPATH') else [])))
    cmd = [sys.executable, '-m', 'jupyter', 'lab', '--no-browser', '--ServerApp.ip=127.0.0.1', f'--ServerApp.port={port}',
           '--ServerApp.port_retries=0', f'--IdentityProvider.token={token}', f'--ServerApp.root_dir={root}',
           '--ServerApp.allow_root=True', '--LabApp.expose_app_in_browser=True', '--LabApp.news_url=None',
           '--LabApp.extension_manager=readonly',
           '--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate']
    notif = home / 'settings' / '@jupyterlab' / 'apputils-extension' / 'notification.jupyterlab-settings'
    notif.parent.mkdir(parents=True)                                       # no news / update pop-up over the page
    notif.write_text(json.dumps(dict(fetchNews='false', checkForUpdates=False, doNotDisturbMode=True)))
    log = open(home / 'lab.log', 'wb')
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True)
    url = f'http://127.0.0.1:{port}'
    try:
        t0 = time.time()
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f'jupyter lab exited with {proc.returncode}:\n{(home / "lab.log").read_text()[-3000:]}')
            try:
                if _get(f'{url}/api/status?token={token}')[0] == 200: break
            except (urllib.error.URLError, ConnectionError, TimeoutError): pass
            if time.time() - t0 > timeout: raise TimeoutError(f'jupyter lab did not answer on {url} in {timeout} s')
            time.sleep(.5)
        yield url, token
    finally:
        try:                                                               # shuts the kernels down too
            urllib.request.urlopen(urllib.request.Request(f'{url}/api/shutdown?token={token}', method='POST'), timeout=10)
        except Exception: pass
        try: proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.terminate()
            try: proc.wait(10)
            except subprocess.TimeoutExpired: proc.kill(); proc.wait()
        log.close()
        shutil.rmtree(home, ignore_errors=True)


def drive(url: str, token: str, notebook: str, timeout: float = 180., width: int = 1280, height: int = 900) -> dict:
    """Open `notebook` in headless Chromium, run all cells, wait for the viewer, drag the frame slider.
    Returns PNG screenshots of the viewer widget before and after ('before', 'after'), the slider readouts and
    the figure image sources."""
    from playwright.sync_api import sync_playwright
    ms = timeout * 1000
    profile = tempfile.mkdtemp(prefix='mvkp-chromium-')
    try:
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                                                       viewport=dict(width=width, height=height))
            try:
                page = ctx.new_page()
                page.goto(f'{url}/lab/tree/{notebook}?token={token}', timeout=ms)
                page.wait_for_selector('.jp-Notebook .jp-Cell', timeout=ms)
                page.wait_for_function('() => window.jupyterapp && window.jupyterapp.shell.currentWidget'
                                       ' && window.jupyterapp.shell.currentWidget.sessionContext', timeout=ms)
                page.evaluate(RUN_ALL)
                img = page.locator('.widget-output img').first
                img.wait_for(state='visible', timeout=ms)
                view = page.locator('.jp-OutputArea-output .widget-vbox').first
                readout = page.locator('.widget-slider .widget-readout').first
                src0, r0 = img.get_attribute('src'), readout.inner_text()
                before = view.screenshot()
                track = page.locator('.widget-slider .noUi-target').first.bounding_box()
                handle = page.locator('.widget-slider .noUi-handle').first.bounding_box()
                page.mouse.move(handle['x'] + handle['width'] / 2, handle['y'] + handle['height'] / 2)
                page.mouse.down()
                page.mouse.move(track['x'] + .6 * track['width'], track['y'] + track['height'] / 2, steps=8)
                page.mouse.up()
                page.wait_for_function('(s) => { const i = document.querySelector(".widget-output img"); '
                                       'return i && i.getAttribute("src") !== s; }', arg=src0, timeout=ms)
                page.wait_for_timeout(300)
                after = view.screenshot()
                return dict(before=before, after=after, readout_before=r0, readout_after=readout.inner_text(),
                            src_before=src0, src_after=img.get_attribute('src'))
            finally:
                ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


# Run all cells once the notebook's kernel is connected (a run-all sent earlier is dropped).
RUN_ALL = '''async () => {
  const nb = window.jupyterapp.shell.currentWidget;
  await nb.context.ready; await nb.sessionContext.ready;
  while (!nb.sessionContext.session || !nb.sessionContext.session.kernel ||
         nb.sessionContext.session.kernel.connectionStatus !== 'connected') await new Promise(r => setTimeout(r, 100));
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
}'''


def shrink_png(png: bytes, max_bytes: int = 300_000) -> bytes:
    "Re-encode a screenshot with a 256-colour palette when it is larger than `max_bytes`."
    if len(png) <= max_bytes: return png
    from PIL import Image
    im = Image.open(io.BytesIO(png)).convert('RGB').quantize(256, method=Image.Quantize.MEDIANCUT)
    buf = io.BytesIO(); im.save(buf, format='PNG', optimize=True)
    return buf.getvalue()


def screenshot(run_dir: Path | None, out: Path, kpt: int = -1, figsize=(9, 4.6)) -> dict:
    "Everything: (tiny run,) notebook, JupyterLab, Chromium; writes the 'after' screenshot to `out` atomically."
    why = missing()
    if why: raise SystemExit(f'cannot take the screenshot: {why}')
    with tempfile.TemporaryDirectory(prefix='mvkp-shot-') as d:
        d = Path(d)
        run_dir = Path(run_dir).resolve() if run_dir else tiny_run(d)
        write_notebook(d / 'viewer.ipynb', run_dir, figsize, kpt)
        with jupyter_lab(d) as (url, token):
            res = drive(url, token, 'viewer.ipynb')
    png = shrink_png(res['after'])
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(out, lambda tmp: Path(tmp).write_bytes(png))
    return res | dict(bytes=len(png))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    ap.add_argument('--run', type=Path, default=None, help='run folder (default: a tiny run trained in a temporary folder)')
    ap.add_argument('--out', type=Path, default=ROOT / 'docs' / 'viewer.png')
    ap.add_argument('--kpt', type=int, default=-1, help='keypoint to highlight (-1: all)')
    a = ap.parse_args(argv)
    res = screenshot(a.run, a.out, a.kpt)
    print(f'{a.out}: {res["bytes"]} bytes; slider {res["readout_before"]} -> {res["readout_after"]}')


if __name__ == '__main__':
    main()
