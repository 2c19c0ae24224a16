"""Issue 17, one test per row of its table: the command lines protect a user's runs (run as a user would, in a subprocess).

Each error is checked for its message, its exit status, the absence of a traceback and, where a run exists, that none
of its files changed. About a minute in all on a 2-core CPU (each command imports torch).
"""
import json, os, re, shutil, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

from mvkp.synthetic import make_synthetic, TINY

TINY_CFG = ['--batch_frames', '2', '--n_kpts', '8', '--width', '8', '--det_width', '8', '--crop_size', '32',
            '--det_size', '32', '--mask_res', '16', '--workers', '0', '--log_every', '1', '--warmup', '2']
ENV = {k: v for k, v in os.environ.items() if k != 'MVKP_DEBUG'} | dict(OMP_NUM_THREADS='1', MPLBACKEND='Agg')


def run(*args, env=None):
    return subprocess.run([sys.executable, *args], env=env or ENV, capture_output=True, text=True, timeout=300)


def train(*args): return run('-m', 'mvkp.train', *args)


def snapshot(d):
    "Every file under `d` with its bytes and modification time."
    return {str(p.relative_to(d)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(Path(d).rglob('*')) if p.is_file()}


def one_line_error(r, *parts, code=1):
    "`r` failed with status `code` and printed one line on stderr, no traceback, containing every one of `parts`."
    assert r.returncode == code, (r.returncode, r.stderr[-2000:])
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and 'Traceback' not in r.stderr, r.stderr[-2000:]
    for p in parts: assert p in lines[0], (p, lines[0])
    return lines[0]


def log_steps(d): return [int(l.split(',')[0]) for l in (Path(d) / 'log.csv').read_text().splitlines()[1:]]


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return make_synthetic(tmp_path_factory.mktemp('data') / 'tiny', **TINY, workers=1)


@pytest.fixture(scope='module')
def finished(tiny, tmp_path_factory):
    "A finished 4-step run with figures (no test may change it), and the output of the command that made it."
    out = tmp_path_factory.mktemp('runs') / 'finished'
    r = train('--preset', 'smoke', '--data', str(tiny), '--out', str(out), '--steps', '4', '--fig_every', '2', *TINY_CFG)
    assert r.returncode == 0, r.stderr[-3000:]
    return out, r


@pytest.fixture
def copy(finished, tmp_path):
    "A copy of the finished run, for the tests that change it."
    shutil.copytree(finished[0], tmp_path / 'copy')
    return tmp_path / 'copy'


# row 1: `--out` an existing finished run with new settings, no --resume
def test_out_on_existing_run_refuses(finished, tiny):
    out, before = finished[0], snapshot(finished[0])
    r = train('--preset', 'smoke', '--data', str(tiny), '--out', str(out), '--steps', '2', *TINY_CFG)
    one_line_error(r, f'{out}: holds a run (config.json, log.csv, last.pt, model.pt)', 'continue it with --resume',
                   'replace it with --overwrite')
    assert snapshot(out) == before


def test_overwrite_clears_the_folder_first(copy, tiny):
    assert list((copy / 'figures').glob('*.png'))
    r = train('--preset', 'smoke', '--data', str(tiny), '--out', str(copy), '--steps', '2', '--fig_every', '0', '--overwrite', *TINY_CFG)
    assert r.returncode == 0, r.stderr[-3000:]
    assert log_steps(copy) == [1, 2] and not (copy / 'figures').exists()             # no old rows, no old figures
    assert json.loads((copy / 'config.json').read_text())['steps'] == 2


# row 2: --resume without repeating --preset smoke (nor the other options)
def test_resume_reloads_the_saved_config(copy):
    saved = json.loads((copy / 'config.json').read_text())
    r = train('--out', str(copy), '--resume', '--preset', 'demo', '--steps', '6')
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"resuming {copy / 'last.pt'} at step 4; changed: steps 4 -> 6\n" in r.stderr      # the one line of changes
    assert 'note: --preset demo is not used with --resume' in r.stderr
    assert json.loads((copy / 'config.json').read_text()) == saved | {'steps': 6}      # not the demo preset's 9,000 steps
    assert log_steps(copy) == list(range(1, 7))


def test_resume_cannot_change_the_network(finished):
    out, before = finished[0], snapshot(finished[0])
    r = train('--out', str(out), '--resume', '--n_kpts', '16')
    one_line_error(r, f"{out / 'last.pt'}: does not fit the network of this config (changed: n_kpts 8 -> 16)")
    assert snapshot(out) == before


# rows 3-7: bad option values, checked before anything is written
@pytest.mark.parametrize('args, message', [
    (['--steps', '-5'], '--steps -5: expected >= 1'),
    (['--n_kpt', '4'], 'unrecognized arguments: --n_kpt 4'),                   # no abbreviations: a typo is an error
    (['--n_kpts', 'abc'], '--n_kpts abc: expected an integer'),
    (['--aug_colour', 'maybe'], '--aug_colour maybe: expected true or false'),
    (['--n_kpts', '0'], '--n_kpts 0: expected >= 1'),
    (['--batch_frames', '0'], '--batch_frames 0: expected >= 1'),
    (['--crop_size', '63'], '--crop_size 63: expected a multiple of 4, at least 8 (the heatmaps are at crop_size / 4)'),
])
def test_bad_values_are_one_line_and_change_nothing(finished, tiny, args, message):
    out, before = finished[0], snapshot(finished[0])
    r = train('--preset', 'smoke', '--data', str(tiny), '--out', str(out), '--overwrite', *TINY_CFG, *args)
    one_line_error(r, message, code=2 if args[0] == '--n_kpt' else 1)          # argparse's own errors: status 2
    assert snapshot(out) == before                                      # checked before --overwrite cleared anything


def test_bad_value_writes_no_folder(tiny, tmp_path):
    r = train('--data', str(tiny), '--out', str(tmp_path / 'new'), '--steps', '-5')
    one_line_error(r, '--steps -5: expected >= 1')
    assert not (tmp_path / 'new').exists()


# row 8: bad data, --resume into an empty folder, evaluate on a non-run: the message without a traceback
@pytest.fixture(scope='module')
def bad_data(tiny, tmp_path_factory):
    d = tmp_path_factory.mktemp('bad')
    (d / 'empty').mkdir()
    shutil.copytree(tiny, d / 'truncated'); f = d / 'truncated' / 'S1' / 'seq00' / 'frames.npy'
    f.write_bytes(f.read_bytes()[:5000])
    shutil.copytree(tiny, d / 'meta'); (d / 'meta' / 'meta.json').write_text('{"format": ')
    return d


@pytest.mark.parametrize('name, message', [
    ('missing', 'missing/meta.json: missing file'), ('empty', 'empty/meta.json: missing file'),
    ('truncated', 'S1/seq00/frames.npy: truncated .npy file'), ('meta', 'meta/meta.json: invalid JSON'),
])
def test_bad_data_is_one_line_and_changes_nothing(finished, bad_data, name, message):
    out, before = finished[0], snapshot(finished[0])
    r = train('--data', str(bad_data / name), '--out', str(out), '--overwrite', *TINY_CFG)
    one_line_error(r, message)
    assert snapshot(out) == before


def test_resume_into_empty_folder_and_evaluate_non_run(tmp_path, tiny):
    (tmp_path / 'empty').mkdir()
    one_line_error(train('--out', str(tmp_path / 'empty'), '--resume'), f"{tmp_path / 'empty'}: no run to resume (no config.json)")
    assert list((tmp_path / 'empty').iterdir()) == []
    one_line_error(run('-m', 'mvkp.evaluate', str(tiny)), f"{tiny / 'config.json'}: not a run folder")


def test_debug_shows_the_traceback(finished):
    r = run('-m', 'mvkp.train', '--out', str(finished[0]), env=ENV | dict(MVKP_DEBUG='1'))
    assert r.returncode == 1 and 'Traceback' in r.stderr and 'FileExistsError' in r.stderr, r.stderr[-2000:]


# row 9: evaluate (and the viewer) on a run whose last.pt is truncated
def test_truncated_checkpoint_is_named(copy):
    (copy / 'last.pt').write_bytes((copy / 'last.pt').read_bytes()[:2000])
    show = "from mvkp.viewer import Viewer; Viewer(r'{}', figsize=(4, 3))".format(copy)
    r = run('-c', show)                                                  # the viewer uses the other checkpoint, and says so
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"warning: {copy / 'last.pt'}: unreadable checkpoint (" in r.stderr and 'using model.pt' in r.stderr, r.stderr
    assert f"checkpoint: {copy / 'model.pt'} (final weights)" in r.stderr
    (copy / 'model.pt').unlink()
    before = snapshot(copy)
    one_line_error(run('-m', 'mvkp.evaluate', str(copy)), f"{copy / 'last.pt'}: unreadable checkpoint (")
    r = run('-c', show)
    assert r.returncode == 1 and f"{copy / 'last.pt'}: unreadable checkpoint" in r.stderr.strip().splitlines()[-1]
    assert snapshot(copy) == before


# rows 10 and 12: evaluate after extending a finished run scores the newest checkpoint; progress; summaries
def test_evaluate_extended_run_uses_newest_checkpoint(copy, finished, tmp_path):
    stdout = finished[1].stdout                                         # the training summary names its outputs
    assert f'done: 4 steps' in stdout and 'model.pt (weights), last.pt (checkpoint), config.json, log.csv, figures/ (2 png)' in stdout
    assert f'next: python -m mvkp.evaluate {finished[0]}' in stdout
    r = train('--out', str(copy), '--resume', '--steps', '6', '--until', '5')
    assert r.returncode == 0 and f"stopped at step 5 (--until): checkpoint {copy / 'last.pt'}" in r.stdout, r.stderr[-3000:]
    r = run('-m', 'mvkp.evaluate', str(copy), '--no-untrained', '--no-oracle', '--out', str(tmp_path / 'ev'))
    assert r.returncode == 0, r.stderr[-3000:]
    assert f"checkpoint: {copy / 'last.pt'} (step 5 of 6: the run has not finished)" in r.stderr
    bar = r.stderr.replace('\r', '\n')
    for stage in ('keypoints', 'probes', 'diagnostics', 'report'): assert re.search(rf'^evaluate: .*, {stage}\]$', bar, re.M), stage
    assert r.stdout.strip().splitlines()[-1].startswith(f"Wrote {tmp_path / 'ev'}/: results.json, report.md")
    assert (tmp_path / 'ev' / 'results.json').exists()


# row 11: dataset creation shows what it makes and a progress bar (as `mvkp.train` does on first use, via `default_data`)
def test_dataset_creation_shows_progress(tmp_path):
    r = run('-m', 'mvkp.synthetic', '--out', str(tmp_path / 'd'), '--tiny', '--workers', '1')
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.startswith(f"making {tmp_path / 'd'}: 2 subjects x 2 takes x 10 frames at 64 px")
    assert 'sequences: 100%' in r.stderr and '4/4' in r.stderr


# row 14: mvkp.synthetic checks its arguments
@pytest.mark.parametrize('args, message', [
    (['--subjects', 'S99'], '--subjects: unknown S99; choose from S1,S5,S6,S7,S8,S9,S11'),
    (['--tiny', '--size', '7'], '--tiny fixes subjects, actions, takes, frames_per_seq and size: drop --size'),
])
def test_synthetic_checks_arguments(tmp_path, args, message):
    one_line_error(run('-m', 'mvkp.synthetic', '--out', str(tmp_path / 'd'), *args), message)
    assert list(tmp_path.iterdir()) == []


# row 15: --help shows the chosen preset's values, grouped
def test_help_shows_preset_values_grouped():
    out = train('--preset', 'full', '--help').stdout
    heads = re.findall(r'^(\w+) \(values of the full preset\):$', out, re.M)
    assert heads == ['model', 'losses', 'optimisation', 'engineering'], heads
    assert re.search(r'--crop_size INT\s+side of the square crop.*\[full: 128\]', out, re.S)
    assert re.search(r'--n_kpts INT\s+N, keypoints discovered per frame \[32\]', out)
    assert 'default: None' not in out and 'Config default' not in out
    assert '[smoke: 800]' in train('--preset', 'smoke', '--help').stdout
