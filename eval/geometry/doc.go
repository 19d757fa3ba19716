// Package geometry measures the 3-D consistency of a video: whether the motion
// between its frames is that of a rigid scene seen by a moving camera. It
// matches keypoints between consecutive frames, fits the epipolar geometry
// robustly, and reports the Sampson error of the matches and whether a
// relative camera pose can be recovered — the two figures of the 3-D
// consistency benchmark of the Cosmos world-model report (Sampson error in
// pixels and pose-estimation success rate; arXiv:2501.03575, the section on
// 3-D consistency). Generated videos of static scenes that wobble or morph give
// larger errors and fewer recoverable poses than real or rendered ones.
//
// # Pipeline
//
// Keypoints (Detect): on BT.601 luma, an image pyramid (factor 1.2, up to 4
// levels) is searched for FAST-9 corners (Rosten and Drummond, "Machine
// learning for high-speed corner detection", ECCV 2006: 9 contiguous pixels of
// the radius-3 circle all brighter or all darker than the centre by a
// threshold). Corners are ranked by the Harris and Stephens measure
// det(M) - 0.04 tr(M)^2 of the Gaussian-weighted 7x7 structure tensor ("A
// combined corner and edge detector", Alvey Vision Conference 1988), kept
// where that measure is a 3x3 local maximum, and moved to sub-pixel precision
// by a parabola through the measure at the neighbouring pixels along each
// axis. Sub-pixel positions matter: the Sampson error of clean renders is set
// by keypoint localisation (about 0.2 px here, against 0.3-0.5 px for integer
// positions).
//
// Descriptors: ORB-style oriented binary descriptors (Rublee, Rabaud, Konolige
// and Bradski, "ORB: an efficient alternative to SIFT or SURF", ICCV 2011).
// The orientation is the angle of the intensity centroid of the circular
// patch (Rosin 1999); 256 binary intensity comparisons on the
// Gaussian-smoothed level image are rotated by it (steered BRIEF). The test
// pairs are the BRIEF paper's isotropic Gaussian pattern (Calonder et al.,
// ECCV 2010, "G II"), drawn once from a fixed seed, rather than ORB's learned
// table. The patch radius follows the image (15 pixels, ORB's 31x31 patch,
// at 150 pixels and up, a tenth of the shorter side below that, 7 at least),
// so small frames keep usable borders.
//
// Matching (MatchDescriptors): brute-force Hamming distance, mutual nearest
// neighbours only, each passing Lowe's ratio test (best < 0.8 x second best;
// IJCV 2004) in both directions, and at most 64 of 256 bits different.
//
// Fundamental matrix (FundamentalRANSAC): Hartley's normalised eight-point
// algorithm ("In defense of the eight-point algorithm", PAMI 1997; H&Z
// algorithm 11.1) with the rank-2 constraint imposed by SVD, inside RANSAC
// (Fischler and Bolles 1981) with MSAC scoring (Torr and Zisserman 2000),
// adaptive sample counts at confidence 0.999, local optimisation of every new
// best model (LO-RANSAC, Chum et al. 2003), a 1-pixel Sampson threshold, and
// a seeded PCG sample stream: equal inputs give equal outputs on any number
// of cores. F follows OpenCV's convention x2' F x1 = 0 for x1 in the earlier
// frame. The eight-point estimate matches cv2.findFundamentalMat(FM_8POINT)
// to 1e-12 on the correspondences of testdata/golden.json.
//
// Known intrinsics (EssentialRANSAC, RecoverPose, RefinePose): samples are
// fitted by the eight-point algorithm on K^-1-normalised points and projected
// onto the essential manifold (singular values 1, 1, 0; H&Z section 11.7.3)
// and scored by Sampson distance in pixels under K^-T E K^-1. E is decomposed
// by SVD into its four motions (H&Z result 9.19) and the one that puts the
// most inliers in front of both cameras (positive least-squares depths along
// both rays) is kept (the cheirality test; this choice equals cv2.recoverPose's
// in the golden tests). The pose is then refined by Levenberg-Marquardt on the
// Sampson distances of the inliers over its five degrees of freedom, which is
// also the local optimisation of the calibrated RANSAC: linear refits alone
// can stay with a wrong model when many points lie near one plane.
//
// # Sampson error
//
// For a correspondence x1 <-> x2 (homogeneous pixels) and F with
// x2' F x1 = 0, e = (x2' F x1)^2 / ((F x1)_1^2 + (F x1)_2^2 + (F' x2)_1^2 +
// (F' x2)_2^2) (H&Z eq. 11.9), and SampsonError reports sqrt(e) in pixels.
// This is the Cosmos report's formula with its x0 = x2 (the formula is unchanged by
// transposing F and swapping the points). It equals
// sqrt(cv2.sampsonDistance(x1, x2, F)) to 1e-13 px in the golden tests.
//
// Per frame pair (consecutive frames) the mean and median Sampson distance
// are taken over the RANSAC inliers under the final F: the RANSAC estimate
// without intrinsics, K^-T E K^-1 of the refined pose with them (the
// REFERENCE's "F by RANSAC (unknown intrinsics) or essential matrix (known
// intrinsics)"). MeanSampsonMatches also reports all matches. A clip's
// MeanSampson is the mean over its estimated pairs of their mean,
// MedianSampson the median of their medians; Summarize takes the median over
// videos of MeanSampson. Pairs with no estimate (fewer than 8 matches, or a
// degenerate configuration) carry NaN and are left out of the Sampson
// aggregates but count as pose failures. encoding/json refuses NaN, so the
// result types marshal it as null (with snake_case keys).
//
// # Pose-estimation success
//
// A pair succeeds (PairConsistency.PoseOK) when all of these hold, with the
// values of DefaultSuccessCriteria:
//
//   - a fundamental matrix was estimated with at least 15 RANSAC inliers that
//     make up at least 25% of the matches;
//   - with intrinsics: the essential matrix decomposed and the chosen motion
//     puts at least 90% of the inliers in front of both cameras;
//   - with intrinsics and ground-truth poses (Options.Truth): the rotation
//     error, the angle of R_est R_true', is at most 5 degrees and the angle
//     between the estimated and true translation directions at most 30
//     degrees (the translation check is skipped when the true camera did not
//     move).
//
// Without intrinsics no motion can be decomposed and success is the first
// condition alone. The success rate is the fraction of pairs that succeed
// (pooled over clips in Summarize). The thresholds are this package's choice:
// the report names no exact rule.
//
// # Measured on world/scene3d renders
//
// On clean 256x256 renders (60-degree field of view, orbit and dolly paths of
// TestRenderedPoses) the estimated rotations are within 0.04-0.18 degrees of
// the truth, translation directions within 0.4-3.6 degrees, and the mean
// Sampson error of inliers is about 0.2 px (median about 0.14 px) — the same
// as under the true F, so the estimate sits at the keypoint noise floor. At
// 64x64 only 15-35 matches survive and poses are off by several degrees:
// score small clips with that in mind.
package geometry
