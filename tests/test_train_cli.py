"""`python -m mvkp.train` / `python -m mvkp.evaluate` as users run them: CLI, interruption, SIGKILL, resume, DDP."""
import csv, json, os, signal, subprocess, sys, time
from pathlib import Path

import pytest
import torch

from mvkp.synthetic import make_synthetic, TINY

TINY_CFG = ['--batch_frames', '2', '--n_kpts', '8', '--width', '8', '--det_width', '8', '--crop_size', '32',
            '--det_size', '32', '--mask_res', '16', '--workers', '0', '--log_every', '1',
            '--fig_every', '0', '--warmup', '2']
ENV = dict(os.environ, OMP_NUM_THREADS='1', MPLBACKEND='Agg')


@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    return make_synthetic(tmp_path_factory.mktemp('data') / 'tiny', **TINY)


def run(args, **kw):
    return subprocess.run([sys.executable, '-m', *args], env=ENV, capture_output=True, text=True, timeout=300, **kw)


def log_steps(run_dir):
    p = Path(run_dir) / 'log.csv'
    return [int(r['step']) for r in csv.DictReader(open(p))] if p.exists() else []


def test_help_documents_every_option():
    from dataclasses import fields
    from mvkp.train import Config
    out = run(['mvkp.train', '--help']).stdout
    missing = [f.name for f in fields(Config) if f'--{f.name}' not in out]
    assert not missing, f'options missing from --help: {missing}'
    assert 'keypoints discovered' in out and '--resume' in out and '--preset' in out


def test_bad_option_is_a_clear_error(tmp_path):
    r = run(['mvkp.train', '--out', str(tmp_path / 'r'), '--n_kpts', 'many'])
    assert r.returncode != 0 and 'many' in r.stderr


def test_cli_run_then_evaluate(tiny, tmp_path):
    out = tmp_path / 'run'
    r = run(['mvkp.train', '--preset', 'smoke', '--data', str(tiny), '--out', str(out), '--steps', '6',
             '--ckpt_every', '3', *TINY_CFG])
    assert r.returncode == 0, r.stderr
    assert log_steps(out) == list(range(1, 7))
    cfg = json.loads((out / 'config.json').read_text())
    assert cfg['steps'] == 6 and cfg['n_kpts'] == 8 and Path(cfg['data']) == Path(tiny).resolve()
    assert (out / 'model.pt').exists() and torch.load(out / 'last.pt', weights_only=False)['step'] == 6
    r = run(['mvkp.evaluate', str(out), '--no-untrained'])
    assert r.returncode == 0, r.stderr
    res = json.loads((out / 'results.json').read_text())
    assert set(res['probe']) == {'linear', 'mlp'} and res['probe']['linear']['mpjpe'] > 0
    assert 'MPJPE' in r.stdout and 'ceiling' in r.stdout
    before = (out / 'results.json').read_text()                 # another protocol, into its own folder
    r = run(['mvkp.evaluate', str(out), '--val', 'holdout', '--no-untrained', '--no-oracle', '--out', str(tmp_path / 'alt')])
    assert r.returncode == 0, r.stderr
    assert (out / 'results.json').read_text() == before
    alt = json.loads((tmp_path / 'alt' / 'results.json').read_text())
    assert alt['info']['val'].startswith('holdout') and set(alt['baselines']) == {'mean_pose'}
    assert (tmp_path / 'alt' / 'report.md').exists()
    other = make_synthetic(tmp_path / 'seed1', **TINY, seed=1)   # new people and new takes, the same protocol
    r = run(['mvkp.evaluate', str(out), '--data', str(other), '--no-untrained', '--out', str(tmp_path / 'xseed')])
    assert r.returncode == 0, r.stderr
    x = json.loads((tmp_path / 'xseed' / 'results.json').read_text())
    assert Path(x['info']['data']) == other and x['info']['labelled'] == ['S1'] and x['info']['test'] == ['S9']
    assert x['baselines']['mean_pose'] != res['baselines']['mean_pose'], 'scored on the other dataset'
    assert list(x['diagnostics']['per_action']) == TINY['actions'] and 'Per action' in r.stdout
    assert (out / 'results.json').read_text() == before


def _start(tiny, out, steps, ckpt_every):
    return subprocess.Popen([sys.executable, '-m', 'mvkp.train', '--preset', 'smoke', '--data', str(tiny), '--out', str(out),
                             '--steps', str(steps), '--ckpt_every', str(ckpt_every), *TINY_CFG],
                            env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for_step(p, out, step, timeout=120):
    t0 = time.time()
    while time.time() - t0 < timeout:
        if p.poll() is not None: pytest.fail(f'training ended early: {p.stderr.read()}')
        s = log_steps(out)
        if s and s[-1] >= step: return s[-1]
        time.sleep(0.2)
    p.kill(); pytest.fail('training did not progress')


def test_sigterm_checkpoints_and_resume_finishes(tiny, tmp_path):
    out = tmp_path / 'run'
    p = _start(tiny, out, steps=100_000, ckpt_every=1000)
    _wait_for_step(p, out, 5)
    p.send_signal(signal.SIGTERM)
    assert p.wait(60) == 130, p.stderr.read()
    st = torch.load(out / 'last.pt', weights_only=False)
    assert st['step'] >= 5 and log_steps(out)[-1] == st['step']       # interrupt saved the exact step reached
    r = run(['mvkp.train', '--preset', 'smoke', '--data', str(tiny), '--out', str(out), '--resume', '--steps', '100000',
             '--until', str(st['step'] + 3), *TINY_CFG])
    assert r.returncode == 0, r.stderr
    assert log_steps(out) == list(range(1, st['step'] + 4))             # continued, no gap, no duplicate


def test_sigkill_loses_at_most_ckpt_every_steps(tiny, tmp_path):
    out, K = tmp_path / 'run', 4
    p = _start(tiny, out, steps=100_000, ckpt_every=K)
    reached = _wait_for_step(p, out, 3 * K + 1)
    p.kill(); p.wait(30)
    reached = max(reached, log_steps(out)[-1])
    st = torch.load(out / 'last.pt', weights_only=False)                # loads: never a half-written checkpoint
    assert reached - st['step'] <= K and st['step'] % K == 0
    r = run(['mvkp.train', '--preset', 'smoke', '--data', str(tiny), '--out', str(out), '--resume', '--steps', '100000',
             '--until', str(st['step'] + 2), *TINY_CFG])
    assert r.returncode == 0, r.stderr
    assert not list(out.glob('*.tmp'))


def test_ddp_two_processes_gloo(tiny, tmp_path):
    "torchrun with 2 CPU processes (gloo) takes the same number of steps as one process, on the same global batch."
    args = ['--preset', 'smoke', '--data', str(tiny), '--steps', '4', '--ckpt_every', '2', *TINY_CFG]
    r1 = run(['mvkp.train', '--out', str(tmp_path / 'one'), *args])
    assert r1.returncode == 0, r1.stderr
    r2 = run(['torch.distributed.run', '--nproc_per_node', '2', '--master_port', '29517', '-m', 'mvkp.train',
              '--out', str(tmp_path / 'two'), *args])
    assert r2.returncode == 0, r2.stderr[-3000:]
    assert log_steps(tmp_path / 'one') == log_steps(tmp_path / 'two') == [1, 2, 3, 4]
    st = torch.load(tmp_path / 'two' / 'last.pt', weights_only=False)
    assert st['step'] == 4


@pytest.mark.slow
def test_smoke_preset_learns(tmp_path):
    "The smoke preset on the default synthetic data: the reconstruction loss falls clearly (about 3 CPU minutes)."
    out = tmp_path / 'smoke'
    r = run(['mvkp.train', '--preset', 'smoke', '--out', str(out)])
    assert r.returncode == 0, r.stderr[-3000:]
    rows = list(csv.DictReader(open(out / 'log.csv')))
    first, last = float(rows[0]['reconst']), float(rows[-1]['reconst'])
    assert last < 0.6 * first, (first, last)
