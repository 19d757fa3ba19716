# Makes ssim_golden.json: the SSIM that scikit-image (0.19) computes for the deterministic clip
# pairs of ssim_golden_test.go (goldenClip), averaged over frames. Run with Debian's python3:
#   /usr/bin/python3 ssim_golden.py > ssim_golden.json
import json
import numpy as np
from skimage.metrics import structural_similarity

def clip(frames, h, w, variant):
    t, y, x, c = np.meshgrid(np.arange(frames), np.arange(h), np.arange(w), np.arange(3), indexing="ij")
    a = (x * 7 + y * 13 + t * 29 + c * 31 + ((x * y) % 17) * 5) % 256
    if variant == 0:
        return a.astype(np.uint8)
    noise = ((x * 3 + y * 5 + t * 7 + c * 11) % 23) - 11
    return np.clip(a + variant * noise, 0, 255).astype(np.uint8)

cases = []
for frames, h, w, variant in [(2, 16, 16, 1), (3, 12, 20, 2), (1, 24, 11, 4)]:
    a, b = clip(frames, h, w, 0), clip(frames, h, w, variant)
    s = np.mean([structural_similarity(a[i], b[i], channel_axis=-1, gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False, data_range=255) for i in range(frames)])
    cases.append({"frames": frames, "height": h, "width": w, "variant": variant, "ssim": float(s)})
print(json.dumps(cases, indent=1))
