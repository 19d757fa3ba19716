// Package eval holds the benchmarks that score generated videos, one
// subpackage per family of metrics:
//
//   - geometry: 3-D consistency — keypoints, matching, robust epipolar
//     geometry, relative camera pose and the Sampson error of consecutive
//     frame pairs, with the pose-estimation success rate;
//   - physics: physical alignment against simulated ground truth;
//   - report: tables and files that collect the results, including the
//     fidelity tables (PSNR and SSIM per frame and per video).
//
// The fidelity metrics themselves, matching scikit-image's
// peak_signal_noise_ratio and structural_similarity (Gaussian 11x11 window,
// sigma 1.5, K1 0.01, K2 0.03), live in package video/quality, below this
// layer, so that models (tokenizer) can use them without importing eval.
//
// The metrics and the figures they are compared with are those of the Cosmos
// world-model report (Cosmos World Foundation Model Platform for Physical AI,
// arXiv:2501.03575: 3-D consistency and physical alignment). Reference
// implementations used to check them (scikit-image, OpenCV) appear only in
// the scripts under each package's testdata, never at run time.
package eval
