"""The reference model in `reference/`: complete, small, loadable, and its table reproduced by `python -m mvkp.evaluate`."""
import json, os, subprocess, sys
from pathlib import Path

import pytest
import torch

from mvkp.train import load_run
from mvkp.model import MVKP

REF = Path(__file__).resolve().parents[1] / 'reference'


def test_reference_is_complete_and_small():
    files = {p.name for p in REF.iterdir()}
    assert {'config.json', 'model.pt', 'log.csv', 'results.json', 'report.md'} <= files, files
    assert sum(p.stat().st_size for p in REF.iterdir()) < 5_000_000
    cfg = json.loads((REF / 'config.json').read_text())
    assert 'data' not in cfg, 'the reference names no local dataset: evaluation uses the synthetic benchmark'
    log = (REF / 'log.csv').read_text().splitlines()
    assert int(log[-1].split(',')[0]) == cfg['steps'], 'trained to the end of its schedule'


def test_reference_loads_with_the_current_code():
    cfg, model, data = load_run(REF, verbose=False)
    assert isinstance(model, MVKP) and data is None
    torch.manual_seed(cfg.seed)
    fresh = MVKP(cfg).state_dict()
    trained = model.state_dict()
    assert trained.keys() == fresh.keys()
    assert any(not torch.equal(trained[k], fresh[k]) for k in trained if trained[k].is_floating_point()), 'weights are trained'


@pytest.mark.slow
def test_evaluate_reproduces_the_reference_table(tmp_path):
    # needs the synthetic benchmark in the cache ($MVKP_CACHE/synthetic, made on first use: ~1 min, 2.5 GB) and ~5 CPU minutes
    r = subprocess.run([sys.executable, '-m', 'mvkp.evaluate', str(REF), '--out', str(tmp_path)], capture_output=True, text=True,
                       env=os.environ | {'OMP_NUM_THREADS': os.environ.get('OMP_NUM_THREADS', '2')})
    assert r.returncode == 0, r.stderr[-2000:]
    new, ref = (json.loads(p.read_text()) for p in (tmp_path / 'results.json', REF / 'results.json'))
    for probe in ('linear', 'mlp'):
        for m in ('mpjpe', 'n_mpjpe', 'p_mpjpe'):
            assert abs(new['probe'][probe][m] - ref['probe'][probe][m]) < 0.5, (probe, m, new['probe'][probe][m], ref['probe'][probe][m])
    assert abs(new['2d']['linear_pct'] - ref['2d']['linear_pct']) < 0.02
