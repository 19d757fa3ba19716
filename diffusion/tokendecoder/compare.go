package tokendecoder

import (
	"context"
	"fmt"

	"github.com/wfm-platform/wfm/video"
	"github.com/wfm-platform/wfm/video/quality"
)

// Quality is the mean PSNR (dB, RGB) and SSIM (mean of R, G, B) of decoded clips against the
// originals (video/quality), for the plain DV decode and for the diffusion decoder from the
// same ids, and the CV tokenizer's own round trip of the clip: the ceiling of any decoder into
// its latent space.
type Quality struct {
	CVPSNR, CVSSIM               float64
	Clips                        int
	DVPSNR, DVSSIM               float64
	DiffusionPSNR, DiffusionSSIM float64
}

// Compare encodes each clip's DV ids, decodes them with the DV tokenizer and with the
// diffusion decoder (clip i seeded opts.Seed+i) and averages PSNR and SSIM against the clip.
// progress, when set, is called after each clip.
func (d *Decoder) Compare(ctx context.Context, clips []*video.Clip, opts DecodeOptions, progress func(done, total int)) (Quality, error) {
	var q Quality
	for i, c := range clips {
		tok, err := d.EncodeIDs(ctx, c)
		if err != nil {
			return q, fmt.Errorf("tokendecoder: clip %d: %w", i, err)
		}
		dv, err := d.DecodeDV(ctx, tok)
		if err != nil {
			return q, fmt.Errorf("tokendecoder: clip %d: %w", i, err)
		}
		o := opts
		o.Seed += uint64(i)
		df, err := d.Decode(ctx, tok, o)
		if err != nil {
			return q, fmt.Errorf("tokendecoder: clip %d: %w", i, err)
		}
		lat, err := d.tok.cv.EncodeContext(ctx, c, nil)
		if err != nil {
			return q, fmt.Errorf("tokendecoder: clip %d: %w", i, err)
		}
		cv, err := d.tok.cv.DecodeContext(ctx, lat, nil)
		if err != nil {
			return q, fmt.Errorf("tokendecoder: clip %d: %w", i, err)
		}
		for _, p := range []struct {
			clip       *video.Clip
			psnr, ssim *float64
		}{{dv, &q.DVPSNR, &q.DVSSIM}, {df, &q.DiffusionPSNR, &q.DiffusionSSIM}, {cv, &q.CVPSNR, &q.CVSSIM}} {
			_, psnr, err := quality.PSNR(*p.clip, *c)
			if err != nil {
				return q, err
			}
			_, ssim, err := quality.SSIM(*p.clip, *c, quality.Options{})
			if err != nil {
				return q, err
			}
			*p.psnr += psnr
			*p.ssim += ssim
		}
		q.Clips++
		if progress != nil {
			progress(i+1, len(clips))
		}
	}
	if n := float64(q.Clips); n > 0 {
		q.DVPSNR, q.DVSSIM, q.DiffusionPSNR, q.DiffusionSSIM = q.DVPSNR/n, q.DVSSIM/n, q.DiffusionPSNR/n, q.DiffusionSSIM/n
		q.CVPSNR, q.CVSSIM = q.CVPSNR/n, q.CVSSIM/n
	}
	return q, nil
}
