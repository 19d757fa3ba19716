package dataset

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
)

// LoaderOptions configure a Loader.
type LoaderOptions struct {
	Seed uint64
	// ShuffleBuffer is the number of samples held for shuffling; 0 or 1 yields the samples of
	// each shard in order (the shard order is still shuffled).
	ShuffleBuffer int
	Limits        Limits
}

// Loader yields the samples of a list of shards epoch after epoch, in a shuffled order that
// depends only on the seed, and can save and restore its exact position. It is not safe for
// concurrent use.
type Loader struct {
	shards []string
	opts   LoaderOptions
	pcg    *rand.PCG
	rng    *rand.Rand

	epoch  int
	order  []int // shard order of this epoch
	pos    int   // index in order of the shard being streamed
	offset int   // samples consumed from shard order[pos]
	pulled int   // samples pulled into the buffer this epoch
	buf    []*Sample

	f  *os.File // the open shard order[pos], if any
	sr *SampleReader

	check func(path string) error // before a shard is opened; nil: none (Dataset.Loader)
}

// NewLoader prepares to iterate over shards (paths, in their canonical order; the order is
// shuffled every epoch). The first epoch's shard order is drawn here.
func NewLoader(shards []string, opts LoaderOptions) (*Loader, error) {
	if len(shards) == 0 {
		return nil, fmt.Errorf("dataset: loader needs at least one shard")
	}
	if opts.ShuffleBuffer < 0 {
		return nil, fmt.Errorf("dataset: negative shuffle buffer %d", opts.ShuffleBuffer)
	}
	if opts.ShuffleBuffer == 0 {
		opts.ShuffleBuffer = 1
	}
	// The second PCG word is a fixed stream selector, so one seed gives one sequence.
	pcg := rand.NewPCG(opts.Seed, 0xda7a_5e7_10ad)
	l := &Loader{shards: append([]string(nil), shards...), opts: opts, pcg: pcg, rng: rand.New(pcg)}
	l.startEpoch(0)
	return l, nil
}

func (l *Loader) startEpoch(epoch int) {
	l.closeShard()
	l.epoch, l.pos, l.offset, l.pulled = epoch, 0, 0, 0
	l.order = make([]int, len(l.shards))
	for i := range l.order {
		l.order[i] = i
	}
	l.rng.Shuffle(len(l.order), func(i, j int) { l.order[i], l.order[j] = l.order[j], l.order[i] })
}

// Epoch returns the epoch (0-based) of the samples being pulled from the shards.
func (l *Loader) Epoch() int { return l.epoch }

func (l *Loader) closeShard() {
	if l.f != nil {
		_ = l.f.Close() // read-only file: nothing to lose
		l.f, l.sr = nil, nil
	}
}

// openShard opens shard order[pos] and skips the l.offset samples already consumed.
func (l *Loader) openShard() error {
	path := l.shards[l.order[l.pos]]
	if l.check != nil {
		if err := l.check(path); err != nil {
			return err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dataset: loader: %w", err)
	}
	l.f, l.sr = f, NewSampleReader(f, path, l.opts.Limits)
	for i := 0; i < l.offset; i++ {
		if _, err := l.sr.Next(); err != nil {
			l.closeShard()
			if err == io.EOF {
				return fmt.Errorf("dataset: loader: shard %s has %d samples, the position says %d were consumed", path, i, l.offset)
			}
			return err
		}
	}
	return nil
}

// pull returns the next sample of this epoch's shard stream, or nil when it is exhausted.
func (l *Loader) pull() (*Sample, error) {
	for l.pos < len(l.order) {
		if l.sr == nil {
			if err := l.openShard(); err != nil {
				return nil, err
			}
		}
		s, err := l.sr.Next()
		if err == io.EOF {
			l.closeShard()
			l.pos++
			l.offset = 0
			continue
		}
		if err != nil {
			return nil, err
		}
		l.offset++
		l.pulled++
		return s, nil
	}
	return nil, nil
}

// Next returns the next sample. It never returns io.EOF: epochs follow one another. A
// dataset with no samples at all is an error.
func (l *Loader) Next() (*Sample, error) {
	for {
		if len(l.buf) < l.opts.ShuffleBuffer && l.pos < len(l.order) {
			s, err := l.pull()
			if err != nil {
				return nil, err
			}
			if s != nil {
				l.buf = append(l.buf, s)
				continue
			}
		}
		if len(l.buf) == 0 {
			if l.pulled == 0 {
				return nil, fmt.Errorf("dataset: loader: the %d shards hold no samples", len(l.shards))
			}
			l.startEpoch(l.epoch + 1)
			continue
		}
		j := l.rng.IntN(len(l.buf))
		s := l.buf[j]
		last := len(l.buf) - 1
		l.buf[j] = l.buf[last]
		l.buf[last] = nil
		l.buf = l.buf[:last]
		return s, nil
	}
}

// loaderState is the JSON form of a Loader's position.
type loaderState struct {
	Shards        []string      `json:"shards"` // base names, to catch a state from another dataset
	ShuffleBuffer int           `json:"shuffle_buffer"`
	Epoch         int           `json:"epoch"`
	Order         []int         `json:"order"`
	Pos           int           `json:"pos"`
	Offset        int           `json:"offset"`
	Pulled        int           `json:"pulled"`
	Buffer        []bufferEntry `json:"buffer"`
	PCG           []byte        `json:"pcg"`
}

// bufferEntry identifies a buffered sample: shard number (in the loader's shard list), its
// position in that shard, and its key as a check.
type bufferEntry struct {
	Shard int    `json:"shard"`
	Index int    `json:"index"`
	Key   string `json:"key"`
}

func (l *Loader) baseNames() []string {
	names := make([]string, len(l.shards))
	for i, p := range l.shards {
		names[i] = filepath.Base(p)
	}
	return names
}

// shardNumber maps a sample's shard path back to its number in l.shards.
func (l *Loader) shardNumber(path string) int {
	for i, p := range l.shards {
		if p == path {
			return i
		}
	}
	panic("dataset: loader holds a sample from a shard it does not know: " + path)
}

// State encodes the position after the samples returned so far.
func (l *Loader) State() ([]byte, error) {
	pcg, err := l.pcg.MarshalBinary()
	if err != nil {
		return nil, fmt.Errorf("dataset: loader state: %w", err)
	}
	st := loaderState{
		Shards: l.baseNames(), ShuffleBuffer: l.opts.ShuffleBuffer, Epoch: l.epoch,
		Order: l.order, Pos: l.pos, Offset: l.offset, Pulled: l.pulled, PCG: pcg,
		Buffer: make([]bufferEntry, len(l.buf)),
	}
	for i, s := range l.buf {
		st.Buffer[i] = bufferEntry{Shard: l.shardNumber(s.Shard), Index: s.Index, Key: s.Key}
	}
	return json.Marshal(st)
}

// Restore returns to a position saved by State of a loader over the same shards with the same
// shuffle buffer size. It re-reads the buffered samples from their shards (checking their
// keys) and reopens the current shard lazily, skipping the samples already consumed.
func (l *Loader) Restore(state []byte) error {
	var st loaderState
	if err := json.Unmarshal(state, &st); err != nil {
		return fmt.Errorf("dataset: loader state: %w", err)
	}
	if err := l.checkState(&st); err != nil {
		return err
	}
	pcg := &rand.PCG{}
	if err := pcg.UnmarshalBinary(st.PCG); err != nil {
		return fmt.Errorf("dataset: loader state: generator: %w", err)
	}
	buf, err := l.recoverBuffer(st.Buffer)
	if err != nil {
		return err
	}
	l.closeShard()
	l.pcg, l.rng = pcg, rand.New(pcg)
	l.epoch, l.order, l.pos, l.offset, l.pulled, l.buf = st.Epoch, st.Order, st.Pos, st.Offset, st.Pulled, buf
	return nil
}

func (l *Loader) checkState(st *loaderState) error {
	names := l.baseNames()
	if len(st.Shards) != len(names) {
		return fmt.Errorf("dataset: loader state is for %d shards, this loader has %d", len(st.Shards), len(names))
	}
	for i := range names {
		if st.Shards[i] != names[i] {
			return fmt.Errorf("dataset: loader state: shard %d is %s, this loader has %s", i, st.Shards[i], names[i])
		}
	}
	if st.ShuffleBuffer != l.opts.ShuffleBuffer {
		return fmt.Errorf("dataset: loader state has a shuffle buffer of %d, this loader %d", st.ShuffleBuffer, l.opts.ShuffleBuffer)
	}
	seen := make([]bool, len(names))
	if len(st.Order) != len(names) {
		return fmt.Errorf("dataset: loader state: shard order of length %d", len(st.Order))
	}
	for _, o := range st.Order {
		if o < 0 || o >= len(names) || seen[o] {
			return fmt.Errorf("dataset: loader state: shard order %v is not a permutation", st.Order)
		}
		seen[o] = true
	}
	if st.Epoch < 0 || st.Pos < 0 || st.Pos > len(names) || st.Offset < 0 || st.Pulled < 0 || len(st.Buffer) > st.ShuffleBuffer {
		return fmt.Errorf("dataset: loader state out of range (epoch %d, shard %d, offset %d, %d buffered)",
			st.Epoch, st.Pos, st.Offset, len(st.Buffer))
	}
	for _, e := range st.Buffer {
		if e.Shard < 0 || e.Shard >= len(names) || e.Index < 0 {
			return fmt.Errorf("dataset: loader state: buffered sample %q at shard %d, index %d out of range", e.Key, e.Shard, e.Index)
		}
	}
	return nil
}

// recoverBuffer re-reads the buffered samples, scanning each shard involved once.
func (l *Loader) recoverBuffer(entries []bufferEntry) ([]*Sample, error) {
	want := map[int]map[int]int{} // shard -> sample index -> buffer slot
	for slot, e := range entries {
		if want[e.Shard] == nil {
			want[e.Shard] = map[int]int{}
		}
		want[e.Shard][e.Index] = slot
	}
	buf := make([]*Sample, len(entries))
	for shard, slots := range want {
		if err := l.scanShard(l.shards[shard], slots, entries, buf); err != nil {
			return nil, err
		}
	}
	for i, s := range buf {
		if s == nil {
			return nil, fmt.Errorf("dataset: loader state: buffered sample %q not found at index %d of %s",
				entries[i].Key, entries[i].Index, l.shards[entries[i].Shard])
		}
	}
	return buf, nil
}

func (l *Loader) scanShard(path string, slots map[int]int, entries []bufferEntry, buf []*Sample) error {
	if l.check != nil {
		if err := l.check(path); err != nil {
			return err
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("dataset: loader: %w", err)
	}
	defer f.Close()
	sr := NewSampleReader(f, path, l.opts.Limits)
	for found := 0; found < len(slots); {
		s, err := sr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		slot, ok := slots[s.Index]
		if !ok {
			continue
		}
		if s.Key != entries[slot].Key {
			return fmt.Errorf("dataset: loader state: sample %d of %s is %q, the state says %q (the shard changed)",
				s.Index, path, s.Key, entries[slot].Key)
		}
		buf[slot] = s
		found++
	}
	return nil
}
