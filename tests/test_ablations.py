"""`python -m mvkp.ablations` and `python -m mvkp.single_view` as users run them (the runner's logic is tested in nbs/11_ablations)."""
import json, os, subprocess, sys
from pathlib import Path

import pytest

from mvkp.synthetic import make_synthetic, TINY

TINY_SET = [a for kv in ['batch_frames=2', 'n_kpts=8', 'width=8', 'det_width=8', 'crop_size=32', 'det_size=32',
                         'mask_res=16', 'workers=0', 'fig_every=0'] for a in ('--set', kv)]
ENV = dict(os.environ, OMP_NUM_THREADS='1', MPLBACKEND='Agg')


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    return make_synthetic(tmp_path_factory.mktemp('data') / 'tiny', **TINY)


def run(args):
    return subprocess.run([sys.executable, '-m', *args], env=ENV, capture_output=True, text=True, timeout=600)


def test_help_lists_the_options():
    out = run(['mvkp.ablations', '--help']).stdout
    for opt in ('--out', '--preset', '--steps', '--only', '--data', '--set', '--sv-steps', '--two-views'):
        assert opt in out, f'{opt} missing from --help'
    assert 'RUN_DIR' in run(['mvkp.single_view', '--help']).stdout.upper()


@pytest.mark.parametrize('args, msg', [(['--only', 'mask,fancy'], 'fancy'), (['--set', 'n_kpts=many'], 'n_kpts=many'),
                                       (['--set', 'nkpts=8'], 'nkpts'), (['--set', 'n_kpts'], 'FIELD=VALUE')])
def test_bad_arguments_fail_before_any_work(tmp_path, args, msg):
    r = run(['mvkp.ablations', '--out', str(tmp_path / 'abl'), *args])
    assert r.returncode == 2 and msg in r.stderr, r.stderr
    assert not (tmp_path / 'abl').exists()


@pytest.mark.slow
def test_cli_single_view_row_then_skip(tiny, tmp_path):
    out = tmp_path / 'abl'
    args = ['mvkp.ablations', '--out', str(out), '--data', str(tiny), '--steps', '2', '--only', 'sv', '--sv-steps', '10',
            '--device', 'cpu', *TINY_SET]
    r = run(args)
    assert r.returncode == 0, r.stderr
    s = json.loads((out / 'ablations.json').read_text())
    assert {n: v['status'] for n, v in s['status'].items()} == {'full': 'trained', 'sv': 'evaluated'}
    assert s['rows']['full']['mlp'] and s['rows']['sv']['mlp'] and not s['rows']['reconst']['mlp']
    assert 'single view' in (out / 'ablations.md').read_text() and 'single view' in r.stdout
    r = run(args)                                                        # everything is there: nothing to redo
    assert r.returncode == 0, r.stderr
    s = json.loads((out / 'ablations.json').read_text())
    assert {v['status'] for v in s['status'].values()} == {'skipped'}
    r = run(['mvkp.single_view', str(out / 'full'), '--steps', '5', '--hidden', '16', '--device', 'cpu'])
    assert r.returncode == 0 and 'SV model, mlp probe' in r.stdout, r.stderr
    res = json.loads((out / 'full' / 'results.json').read_text())
    assert res['single_view']['lifter']['steps'] == 5 and 'probe' in res        # replaced, other keys kept
