"""Pure helpers of the diagnostic scripts in `tools/` (the scripts themselves need a trained run and the benchmark)."""
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / 'tools'))
from keypoint_roles import places


def test_places_merges_chains_and_keeps_far_keypoints_apart():
    x = torch.tensor([0., 30., 60., 200., 400.])            # 0-30-60 chain under 40 mm; 200 and 400 alone
    D = (x[:, None] - x[None]).abs()
    assert places(D, 40.) == 3
    assert places(D, 10.) == 5                              # nothing merges
    assert places(D, 250.) == 1                             # everything chains into one place
    assert places(D[[4, 0, 3, 1, 2]][:, [4, 0, 3, 1, 2]], 40.) == 3   # the order of the keypoints does not matter


import numpy as np
import pytest
import mvkp.synthetic as S
from recolour_subject import recoloured, main as recolour_main


def test_recoloured_changes_the_colours_only():
    s11, s9 = S.body_shape('S11'), S.body_shape('S9')
    r = recoloured(s11, s9['colours'])
    assert r['colours'] == s9['colours'] and r['colours'] is not s9['colours']
    assert {k: v for k, v in r.items() if k != 'colours'} == {k: v for k, v in s11.items() if k != 'colours'}
    assert recoloured(s11, sleeves='short')['colours']['sleeve'] == s11['colours']['skin']
    assert recoloured(s11, s9['colours'], sleeves='long')['colours']['sleeve'] == s9['colours']['shirt']
    assert s11['colours']['sleeve'] == s11['colours']['shirt']                 # the input is left alone
    t = recoloured(s11, s9['colours'], only=('trousers',))['colours']
    assert t['trousers'] == s9['colours']['trousers'] and {k: v for k, v in t.items() if k != 'trousers'} == \
        {k: v for k, v in s11['colours'].items() if k != 'trousers'}


def test_recolour_subject_renders_the_same_motion_in_other_clothes(tmp_path):
    src = S.make_synthetic(tmp_path / 'src', frames_per_seq=3, actions=['walking'],
                           takes=1, size=32, subjects=['S1', 'S11'], aa=1, workers=1)
    out = tmp_path / 'out'
    recolour_main(['--data', str(src), '--out', str(out), '--subject', 'S11', '--colours', 'S1'])
    assert (out / 'S1').is_symlink() and not (out / 'S11').is_symlink()
    a, b = src / 'S11' / 'seq00', out / 'S11' / 'seq00'
    for f in ('joints3d.npy', 'masks.npy', 'boxes.npy'): assert np.array_equal(np.load(a / f), np.load(b / f))
    fa, fb, m = (np.load(x).astype(int) for x in (a / 'frames.npy', b / 'frames.npy', a / 'masks.npy'))
    moved = np.abs(fa - fb).max(-1) > 3
    assert moved[m > 0].mean() > 0.3 and moved[m == 0].mean() < 0.02            # the body changed, the room did not
    with pytest.raises(SystemExit, match='--out .*exists'): recolour_main(['--data', str(src), '--out', str(out), '--colours', 'S1'])
    with pytest.raises(SystemExit, match='--subject S9'): recolour_main(['--data', str(src), '--out', str(tmp_path / 'x'), '--subject', 'S9', '--colours', 'S1'])
    with pytest.raises(SystemExit, match='--only jeans'): recolour_main(['--data', str(src), '--out', str(tmp_path / 'x'), '--colours', 'S1', '--only', 'jeans'])
    with pytest.raises(SystemExit, match='--data'): recolour_main(['--data', str(tmp_path / 'none'), '--out', str(tmp_path / 'x'), '--colours', 'S1'])
    assert not (tmp_path / 'x').exists() and S.body_shape.__module__ == 'mvkp.synthetic'
