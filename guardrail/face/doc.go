// Package face finds faces in video frames and pixelates them, the face-blur half of the video
// post-guard.
//
// Detection uses pigo (github.com/esimov/pigo), a pure-Go implementation of the pixel intensity
// comparison cascades of Markus et al. ("Object Detection with Pixel Intensity Comparisons
// Organized in Decision Trees", arXiv:1305.4537), with the frontal-face cascade that pigo ships
// (cascade/facefinder, embedded here; see cascade/README.md for its provenance and licence).
// The cascade is run over square windows from Options.MinSize to Options.MaxSize pixels,
// moved by ShiftFactor of the window size and grown by ScaleFactor; overlapping hits are merged
// when their intersection over union exceeds IoU, and a merged face is kept when its summed
// cascade score is at least MinQuality.
//
// Blurring follows the reference platform (NVIDIA Cosmos's post-guard, which uses a RetinaFace
// detector): each face box is pixelated by averaging it down to a 5x5 grid of cells and
// drawing each cell back with its mean colour (nearest-neighbour upsampling), and faces under
// 20x20 pixels are skipped. Unlike the reference, every threshold is an Option the operator can
// tune, and MinQuality defaults to pigo's own example value (5): the reference's users reported
// blur firing on frames with no faces and no way to tune it.
//
// The detector is a frontal-face cascade: profile faces, faces rotated more than about 15
// degrees in the image plane, heavily occluded faces and faces under MinSize are missed.
package face
