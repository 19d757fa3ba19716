// Package quality measures how close frames are to reference frames: peak
// signal-to-noise ratio (PSNR) and structural similarity (SSIM), per frame and
// per video, the visual-fidelity metrics of the Cosmos world-model report. It is
// the one home of these metrics: the benchmarks (eval/physics, eval/report), the
// tokenizer's reconstruction quality, world generation's check of the condition
// frames and the CLI all call it.
//
// It sits directly above package video (clips) and needs nothing else, so that
// model packages (tokenizer) and video I/O callers (worldgen) can measure
// quality without depending on the benchmark layer under eval/, and eval/
// depends on it rather than the other way round. Package video itself does not
// import it.
//
// # PSNR
//
// PSNR = 10 log10(R^2 / MSE) dB with peak R = 255 for 8-bit samples and MSE the
// mean squared difference over every sample of a frame (all three channels, or
// the luma plane with Options.Luma). Identical frames give +Inf, which then
// makes the clip mean +Inf too; callers that print JSON must handle it.
//
// PSNR and PSNRWithOptions give one value per frame. PooledPSNR instead pools
// the squared error of every sample of a clip into one MSE, and SquaredError
// pools it over any number of clip pairs (a tokenizer's validation set).
//
// # SSIM
//
// SSIM follows Wang, Bovik, Sheikh and Simoncelli, "Image quality assessment:
// from error visibility to structural similarity", IEEE Trans. Image
// Processing 13(4), 2004: local means, variances and the covariance are taken
// under an 11 x 11 circular-symmetric Gaussian window with sigma 1.5, and
//
//	SSIM = (2 mu_x mu_y + C1)(2 sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2))
//
// with C1 = (0.01 R)^2, C2 = (0.03 R)^2 and R = 255. Moments are population
// moments (divided by the window weight sum, not N-1) and the index is averaged
// over the window positions that lie wholly inside the image, so images must be
// at least 11 x 11.
//
// This is exactly scikit-image's structural_similarity(..., gaussian_weights=True,
// sigma=1.5, use_sample_covariance=False, data_range=255, K1=0.01, K2=0.03) —
// the settings its documentation gives for matching Wang et al.: scipy's
// Gaussian filter with truncate 3.5 has radius int(3.5*1.5+0.5) = 5, i.e. 11
// taps, and the border strip of width 5 that scikit-image crops is the part
// where its reflected padding would matter, so the two agree to rounding.
// testdata/make_golden.py makes the golden values with scikit-image 0.19.3 and
// the tests hold this package to them within 1e-4 (about 1e-12 measured).
//
// On colour frames SSIM is computed per R, G, B channel and averaged, as
// scikit-image does with channel_axis; with Options.Luma it is computed once on
// BT.601 luma Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601 weights, kept in
// float64 and not rounded to 8 bits).
//
// Per-video values are the mean of the per-frame values, which is how video
// PSNR and SSIM are usually reported (each frame counts the same).
package quality
