#!/usr/bin/python3
"""Golden values for eval/geometry, made with OpenCV.

Run from this directory with Debian's interpreter (OpenCV 4.6.0, NumPy 1.24):

    /usr/bin/python3 make_golden.py

For a few seeded two-view scenes (random 3-D points in front of two pinhole
cameras, projected and perturbed by Gaussian pixel noise) it writes
golden.json with, per scene:

  K, R, t          the calibration and the true motion x2 = R x1 + t;
  x1, x2           the noisy correspondences (pixels, centres at integers);
  F_cv             cv2.findFundamentalMat(x1, x2, cv2.FM_8POINT): Hartley's
                   normalised eight-point algorithm on all points, convention
                   x2' F x1 = 0, OpenCV's scale F[2][2] = 1;
  sampson_numpy    sqrt of the Sampson error of every correspondence under
                   F_cv by the formula of ../shared/REFERENCE.md section 6
                   (H&Z eq. 11.9), evaluated here in NumPy;
  sampson_cv       sqrt(cv2.sampsonDistance(x1_h, x2_h, F_cv)), the same
                   quantity by OpenCV (which returns the squared value);
  E_true           [t]x R;
  R_cv, t_cv       cv2.recoverPose(E_true, x1, x2, K): the cheirality choice
                   among the four decompositions of E_true.

A last scene, "render_orbit", uses real detector output instead: the RANSAC
inliers of one frame pair of a world/scene3d render, with its camera and true
motion, written by `go test -run RenderMatchesFile -update` to
render_matches.json (run that first when the detector changes).

The script also checks that the NumPy and OpenCV Sampson values agree.
"""
import os
import json

import cv2
import numpy as np


def rodrigues(w):
    R, _ = cv2.Rodrigues(np.asarray(w, np.float64))
    return R


def skew(t):
    return np.array([[0, -t[2], t[1]], [t[2], 0, -t[0]], [-t[1], t[0], 0]])


def sampson_numpy(F, x1, x2):
    out = []
    for a, b in zip(x1, x2):
        p1 = np.array([a[0], a[1], 1.0])
        p2 = np.array([b[0], b[1], 1.0])
        Fx1 = F @ p1
        Ftx2 = F.T @ p2
        e = (p2 @ F @ p1) ** 2 / (Fx1[0] ** 2 + Fx1[1] ** 2 + Ftx2[0] ** 2 + Ftx2[1] ** 2)
        out.append(float(np.sqrt(e)))
    return out


scenes = []
specs = [
    # name, seed, points, noise px, rotation vector, translation
    ('sideways', 1, 40, 0.3, [0.01, 0.05, 0.0], [-1.0, 0.05, 0.1]),
    ('forward', 2, 60, 0.5, [0.02, -0.03, 0.01], [0.1, 0.0, 1.0]),
    ('orbit_like', 3, 100, 0.2, [0.0, -0.08, 0.0], [0.4, 0.0, 0.02]),
    ('exact', 4, 12, 0.0, [0.03, 0.02, -0.02], [0.3, -0.2, 0.1]),
]


def add_scene(name, noise, K, R, t, x1, x2):
    F, _ = cv2.findFundamentalMat(x1, x2, cv2.FM_8POINT)
    s_np = sampson_numpy(F, x1, x2)
    s_cv = [float(np.sqrt(cv2.sampsonDistance(np.array([a[0], a[1], 1.0]), np.array([b[0], b[1], 1.0]), F)))
            for a, b in zip(x1, x2)]
    assert np.allclose(s_np, s_cv, rtol=1e-9, atol=1e-12), (name, s_np[:3], s_cv[:3])
    E = skew(t) @ R
    _, Rcv, tcv, _ = cv2.recoverPose(E, x1, x2, K)
    scenes.append({
        'name': name, 'noise_px': noise,
        'K': K.tolist(), 'R': R.tolist(), 't': t.tolist(),
        'x1': x1.tolist(), 'x2': x2.tolist(),
        'F_cv': F.tolist(),
        'sampson_numpy': s_np, 'sampson_cv': s_cv,
        'E_true': E.tolist(), 'R_cv': Rcv.tolist(), 't_cv': tcv.ravel().tolist(),
    })


for name, seed, n, noise, w, t in specs:
    rng = np.random.default_rng(seed)
    K = np.array([[300.0, 0, 159.5], [0, 310.0, 119.5], [0, 0, 1]])
    R = rodrigues(w)
    t = np.asarray(t, np.float64)
    X = np.column_stack([rng.uniform(-2, 2, n), rng.uniform(-1.5, 1.5, n), rng.uniform(4, 9, n)])
    X2 = (R @ X.T).T + t
    x1 = (K @ X.T).T
    x1 = x1[:, :2] / x1[:, 2:]
    x2 = (K @ X2.T).T
    x2 = x2[:, :2] / x2[:, 2:]
    x1 = x1 + rng.normal(0, noise, x1.shape)
    x2 = x2 + rng.normal(0, noise, x2.shape)
    add_scene(name, noise, K, R, t, x1, x2)

if os.path.exists('render_matches.json'):
    with open('render_matches.json') as f:
        rm = json.load(f)
    t = np.asarray(rm['t'], np.float64)
    add_scene('render_orbit', None, np.asarray(rm['K'], np.float64), np.asarray(rm['R'], np.float64),
              t / np.linalg.norm(t), np.asarray(rm['x1'], np.float64), np.asarray(rm['x2'], np.float64))

with open('golden.json', 'w') as f:
    json.dump({'tool': 'OpenCV %s (findFundamentalMat FM_8POINT, sampsonDistance, recoverPose), NumPy %s'
               % (cv2.__version__, np.__version__), 'scenes': scenes}, f, indent=1)
    f.write('\n')
