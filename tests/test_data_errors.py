"""Command-line checks of the data tools (the notebooks test the functions; these run the CLIs as a user would)."""
import json, subprocess, sys
from pathlib import Path

import numpy as np
import pytest

from mvkp.synthetic import TINY, make_synthetic

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return make_synthetic(tmp_path_factory.mktemp('data') / 'tiny', **TINY, workers=1)


def test_validate_cli_ok(tiny):
    r = run('-m', 'mvkp.data', str(tiny), '--full')
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == dict(subjects=2, sequences=4, frames=40, views=4, image_size=[64, 64])


def test_validate_cli_reports_bad_file(tiny, tmp_path):
    bad = tmp_path / 'bad'
    subprocess.run(['cp', '-r', str(tiny), str(bad)], check=True)
    np.save(bad / 'S9' / 'seq00' / 'joints2d.npy', np.zeros((10, 3, 17, 2), np.float32))  # 3 views instead of 4
    r = run('-m', 'mvkp.data', str(bad))
    assert r.returncode == 1
    assert 'S9/seq00/joints2d.npy' in r.stderr and 'V (cameras in cameras.json) is 3, expected 4' in r.stderr, r.stderr


def test_validate_cli_missing_dataset(tmp_path):
    r = run('-m', 'mvkp.data', str(tmp_path / 'nothing'))
    assert r.returncode == 1 and 'meta.json: missing file' in r.stderr, r.stderr


def test_make_synthetic_script_reuses(tiny):
    before = (tiny / 'meta.json').stat().st_mtime_ns
    r = run('data_scripts/make_synthetic.py', '--out', str(tiny), '--tiny')
    assert r.returncode == 0, r.stderr
    assert 'reusing' in r.stdout and (tiny / 'meta.json').stat().st_mtime_ns == before


def test_synthetic_cli_subjects(tmp_path):
    out = tmp_path / 's'
    r = run('-m', 'mvkp.synthetic', '--out', str(out), '--subjects', 'S8,S11', '--frames_per_seq', '4',
            '--actions', 'walking,greeting', '--takes', '1', '--size', '32', '--workers', '2')
    assert r.returncode == 0, r.stderr
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['splits'] == {'train': [], 'val': ['S8'], 'test': ['S11']}
    assert np.load(out / 'S11' / 'seq01' / 'frames.npy', mmap_mode='r').shape == (4, 4, 32, 32, 3)
