// Package scene3d generates ground truth for 3-D consistency: static textured scenes seen by a
// moving pinhole camera, rendered by ray casting, with the exact intrinsics, per-frame poses,
// depth maps and instance masks that produced every pixel.
//
// The 3-D consistency benchmark (see eval) matches keypoints between frames of a generated
// video and measures their Sampson error against a fundamental matrix, and how well camera
// poses can be recovered. Clips from this package are the reference: their geometry is known
// exactly, so the same measurement on them must give (near) zero error, and a model trained
// or evaluated on them can be scored against the true cameras.
//
// # Conventions
//
// World: right-handed, metres, +Y up; the floor of RandomScene is the plane Y = 0.
//
// Camera frame: OpenCV's, +X right, +Y down, +Z forward along the optical axis. A Pose is the
// world-to-camera transform X_cam = R X_world + t, so the camera matrix is P = K [R | t] and the
// camera centre is C = -R^T t (Hartley and Zisserman, Multiple View Geometry in Computer
// Vision, 2nd ed., Cambridge University Press 2004, section 6.1).
//
// Intrinsics: K = [[fx 0 cx] [0 fy cy] [0 0 1]] (H&Z eq. 6.4, zero skew). NewIntrinsics sets
// square pixels with fx = fy = (W/2) / tan(hfov/2) from the horizontal field of view measured
// between the outer edges of the image.
//
// Pixel centres: the centre of pixel (column u, row v) is the image point (u, v), integer
// centres as in OpenCV and H&Z, so the image covers [-0.5, W-0.5] x [-0.5, H-0.5] and a
// centred principal point is ((W-1)/2, (H-1)/2). Keypoint detectors that report positions in
// this convention can be compared with projections of K directly.
//
// Depth: the camera-frame Z of the surface seen through the pixel centre, in metres (not the
// distance along the ray), +Inf where the ray leaves the scene. Mask: the Object.ID seen
// through the pixel centre, 0 for background. Both come from the single centre ray, not from
// the anti-aliasing samples, so they are exact for that point.
//
// Two views: Fundamental builds F = K2^-T [t]x R K1^-1 from the relative motion R = R2 R1^T,
// t = t2 - R t1 (H&Z section 9.2.2), so that x2^T F x1 = 0 for corresponding homogeneous
// points. The Sampson error the benchmark uses is H&Z eq. 11.9.
//
// # Rendering
//
// One ray is cast through every pixel centre (depth and mask) and an n x n grid of rays
// through the centres of equal sub-pixel cells (colour, averaged; n = 3 by default, whose
// middle ray is the centre ray). Ray directions are R^T K^-1 (u, v, 1), unnormalised, so the
// hit parameter is the camera depth itself. Primitives are spheres (quadratic), boxes (slab
// method, Kay and Kajiya, SIGGRAPH 1986) in their own rotated frame, and infinite planes.
// Shading is Lambertian from one directional light plus an ambient term, without shadows or
// reflections; colour is linear in [0, 1] and rounded to 8 bits without a gamma curve.
// Emissive objects keep their texture colour (markers for tests).
//
// Rows are shared among GOMAXPROCS goroutines; each pixel depends only on its own rays, so
// the output is bit-identical for any number of cores.
//
// # Scenes and textures
//
// RandomScene draws, from a math/rand/v2 PCG stream seeded with the scene seed, the light
// direction, a textured floor, up to four walls, and a random number of boxes (axis-aligned or
// turned about +Y) and spheres resting on the floor. Textures are procedural and chosen for
// keypoint detectors: checkers of random scale, two-octave value noise (Perlin, "An image
// synthesizer", SIGGRAPH 1985, here on a hashed lattice), random rectangles and random dots,
// each with one light and one dark colour. Lattice hashing uses the SplitMix64 finaliser
// (Steele, Lea and Flood, OOPSLA 2014).
//
// # Camera paths
//
// Orbit (circle around a target, looking at it), Dolly (straight line, fixed viewing
// direction) and Pan (rotation in place) implement Path; frame i of n sits at fraction
// i/(n-1) of the path, so steps between frames are equal and bounded.
package scene3d
