package dirlock

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// holdEnv makes the test binary a lock holder: it locks the folder named by the variable,
// prints "locked", and waits to be killed.
const holdEnv = "DIRLOCK_TEST_HOLD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(holdEnv); dir != "" {
		l, err := Acquire(dir, "test holder")
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(3)
		}
		fmt.Println("locked")
		time.Sleep(time.Minute)
		_ = l.Release()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSecondAcquireInProcessFails(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	l, err := Acquire(dir, "wfm first")
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		t.Fatalf("Acquire did not create the folder: %v", err)
	}
	_, err = Acquire(dir, "wfm second")
	var held *HeldError
	if !errors.As(err, &held) || !errors.Is(err, ErrHeld) {
		t.Fatalf("second Acquire: %v, want a *HeldError", err)
	}
	host, _ := os.Hostname()
	if held.Holder.PID != os.Getpid() || held.Holder.What != "wfm first" || held.Holder.Host != host {
		t.Errorf("holder %+v, want this process as wfm first", held.Holder)
	}
	msg := err.Error()
	for _, want := range []string{dir, "wfm first", "pid " + strconv.Itoa(os.Getpid()), "host " + host, held.Holder.Started.Format(time.RFC3339)} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not name %q", msg, want)
		}
	}
	if since := time.Since(held.Holder.Started); since < -time.Second || since > time.Minute {
		t.Errorf("start time %v is not now", held.Holder.Started)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left after Release: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Errorf("second Release: %v", err)
	}
	l2, err := Acquire(dir, "wfm second")
	if err != nil {
		t.Fatalf("Acquire after Release: %v", err)
	}
	if l2.TookOver() != nil {
		t.Errorf("a released lock reads as taken over from %v", l2.TookOver())
	}
	l2.Release()
}

func TestProbeAndNamedLocks(t *testing.T) {
	dir := t.TempDir()
	if err := Probe(dir, FileName); err != nil {
		t.Fatalf("probe of an absent lock: %v", err)
	}
	a, err := AcquireFile(dir, ".wfm.part-0.lock", "part 0")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Release()
	b, err := AcquireFile(dir, ".wfm.part-1.lock", "part 1")
	if err != nil {
		t.Fatalf("another lock file of the same folder: %v", err)
	}
	defer b.Release()
	if err := Probe(dir, ".wfm.part-0.lock"); !errors.Is(err, ErrHeld) || !strings.Contains(err.Error(), "part 0") {
		t.Errorf("probe of a held lock: %v", err)
	}
	b.Release()
	if err := Probe(dir, ".wfm.part-1.lock"); err != nil {
		t.Errorf("probe of a released lock: %v", err)
	}
}

func TestChildHolderRefusedThenTakenOver(t *testing.T) {
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || strings.TrimSpace(line) != "locked" {
		t.Fatalf("child said %q, %v", line, err)
	}

	_, err = Acquire(dir, "wfm parent")
	var held *HeldError
	if !errors.As(err, &held) {
		t.Fatalf("Acquire while the child holds the lock: %v", err)
	}
	if held.Holder.PID != cmd.Process.Pid || held.Holder.What != "test holder" {
		t.Errorf("holder %+v, want pid %d", held.Holder, cmd.Process.Pid)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("pid %d", cmd.Process.Pid)) || !strings.Contains(err.Error(), os.Args[0]) {
		t.Errorf("error %q does not name the child's pid and command", err)
	}

	// kill -9: the child never releases; its lock file stays, with its content.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		t.Fatalf("the killed child's lock file should remain: %v", err)
	}
	l, err := Acquire(dir, "wfm parent")
	if err != nil {
		t.Fatalf("Acquire after the holder died: %v", err)
	}
	defer l.Release()
	if old := l.TookOver(); old == nil || old.PID != cmd.Process.Pid {
		t.Errorf("TookOver %v, want the dead child (pid %d)", old, cmd.Process.Pid)
	}
	_, err = Acquire(dir, "wfm third")
	if !errors.As(err, &held) || held.Holder.PID != os.Getpid() || held.Holder.What != "wfm parent" {
		t.Errorf("after the take-over the lock names %+v (%v), want this process", held.Holder, err)
	}
}

// TestReleaseRace: many goroutines acquiring and releasing never hold the lock together.
func TestReleaseRace(t *testing.T) {
	dir := t.TempDir()
	var holders, max int32
	done := make(chan bool)
	var mu = make(chan struct{}, 1)
	mu <- struct{}{}
	for g := 0; g < 8; g++ {
		go func() {
			got := 0
			for i := 0; i < 200 && got < 20; i++ {
				l, err := Acquire(dir, "race")
				if err != nil {
					if !errors.Is(err, ErrHeld) {
						t.Error(err)
						break
					}
					continue
				}
				got++
				<-mu
				holders++
				if holders > max {
					max = holders
				}
				mu <- struct{}{}
				time.Sleep(50 * time.Microsecond)
				<-mu
				holders--
				mu <- struct{}{}
				l.Release()
			}
			done <- true
		}()
	}
	for g := 0; g < 8; g++ {
		<-done
	}
	if max != 1 {
		t.Errorf("%d holders at once", max)
	}
}
