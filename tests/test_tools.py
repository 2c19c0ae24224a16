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
