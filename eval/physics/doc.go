// Package physics is the platform's physical-alignment benchmark for video world models: it
// simulates the labelled physics scenes of package world/synth, conditions a model on the first
// 1 or 9 frames of each clip (plus a caption), lets it generate the next frames, and scores the
// prediction against the simulator's own future frames, masks and body states.
//
// # Protocol
//
// Following the Cosmos physical-alignment benchmark (NVIDIA, "Cosmos World Foundation Model
// Platform for Physical AI", 2025, section on physical alignment: condition on 1 or 9 frames and
// a prompt, score 33 frames with PSNR, SSIM and mean object-mask IoU), every clip is simulated
// for max(CondFrames) + Frames frames; a model conditioned on c frames sees frames
// [max-c, max) and predicts frames [max, max+Frames), so every conditioning length is scored on
// the same future. Scenes come in-distribution and out-of-distribution (world/physics.Split:
// held-out parameter ranges and appearance), after PhyWorld (Kang et al., "How Far is Video
// Generation from World Model: A Physical Law Perspective", 2024).
//
// # Metrics
//
//   - PSNR and SSIM per frame (package video/quality; SSIM with the Gaussian 11x11 window,
//     sigma 1.5, K1 0.01, K2 0.03 of Wang et al. 2004). An identical frame scores MaxPSNR.
//   - Mean object-mask IoU: each predicted frame is segmented by colour (Segmenter) into the
//     scene's objects, which the renderer paints in known palette colours (package world),
//     shaded; each object's mask is compared with the renderer's instance mask, and the IoU is
//     averaged over the objects visible in the truth, then over frames.
//   - PhyWorld-style position and velocity errors: the centroid of each object's largest
//     connected region in the segmentation against the simulated body position projected into
//     the image (pixels), and the frame-to-frame centroid displacement against the simulated one
//     (pixels/frame). Both cover the objects found; Detected says which fraction that is.
//
// The masks of world/synth hold physics body index + 1 for dynamic bodies and 0 for the
// background and static geometry.
//
// # Baselines
//
// Every run can carry three reference predictors (Baselines): the ground truth itself, whose
// IoU and centroid errors are the floor set by the segmentation; CopyLast, which predicts no
// motion; and Linear, pixel-space linear extrapolation from the last two conditioning frames.
// World models implement Predictor and register a checkpoint loader with RegisterModel, so that
// `wfm eval physics --model KIND:PATH` finds them.
package physics
