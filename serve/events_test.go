package serve

import (
	"net/http"
	"testing"
	"time"
)

// TestEventsCoalesced: a job of the committed tiny model making a few hundred evaluations a
// second streams its progress at most once per eventInterval (plus the first and the last
// event), in order, ending with the finished job; an event per evaluation kept a browser too
// busy to take a click (TestBrowserPage's cancel).
func TestEventsCoalesced(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the committed tiny model")
	}
	ts := startServer(t, Config{Models: []string{"../diffusion/pretrained/tiny-v2w"}})
	v, resp := ts.submit(t, map[string]any{"prompt": "a red ball rolls to the left", "frames": 9, "resolution": "32x32",
		"steps": 400, "seed": 1})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("submit: %d", resp.StatusCode)
	}
	start := time.Now()
	stream, err := http.Get(ts.URL + "/v1/videos/" + v.ID + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Body.Close()
	events, err := readEvents(stream.Body)
	elapsed := time.Since(start)
	if err != nil || len(events) == 0 {
		t.Fatalf("events: %v, %d", err, len(events))
	}
	last := events[len(events)-1]
	if last.Status != StatusCompleted || last.EvaluationsDone != last.Evaluations || last.Evaluations < 400 {
		t.Fatalf("last event %s, %d of %d evaluations", last.Status, last.EvaluationsDone, last.Evaluations)
	}
	for i := 1; i < len(events); i++ {
		if events[i].EvaluationsDone < events[i-1].EvaluationsDone {
			t.Fatalf("event %d went back from %d to %d evaluations", i, events[i-1].EvaluationsDone, events[i].EvaluationsDone)
		}
	}
	if most := int(elapsed/eventInterval) + 3; len(events) > most {
		t.Errorf("%d events in %v for %d evaluations, want at most %d (one per %v)", len(events), elapsed, last.Evaluations, most, eventInterval)
	}
	t.Logf("%d events in %v for %d evaluations", len(events), elapsed, last.Evaluations)
}
