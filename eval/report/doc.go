// Package report turns benchmark results into self-contained HTML reports: tables, line plots
// drawn with gonum/plot and embedded as PNG, and side-by-side video animations embedded as GIF,
// all as base64 data URIs inside one file that opens offline and can be committed or mailed.
//
// Document, Section and the blocks (Text, Table, Figure, Figures) are the generic layer.
// Physics lays out a run of the physical-alignment benchmark (package eval/physics).
// MeasureFidelity and MeasureConsistency run the metrics of packages video/quality and
// eval/geometry over sets of videos into JSON-ready results (NaN and infinities as null), and
// Fidelity and Consistency lay those out; MatchImage draws the keypoint matches between two
// frames that the consistency measure is built on.
//
// Animations are GIFs with one palette per clip and, after the first frame, only the changed
// rectangle of each frame with unchanged pixels transparent (GIF89a, disposal "none"): the
// synthetic scenes have static cameras, and this keeps the twenty 42-frame comparison grids of
// the default physics report under half a megabyte. The page is rendered with html/template, so text from results (captions,
// file names) is escaped; image data URIs are built only from bytes this package encodes.
package report
