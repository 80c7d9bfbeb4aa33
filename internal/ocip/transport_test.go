package ocip

import (
	"net"
	"net/http"
	"testing"
	"time"
)

func TestSocketFraming(t *testing.T) {
	client, server := net.Pipe()
	defer func() { _ = client.Close() }()
	tr := &tcpTransport{conn: client, maxReply: 1 << 20}
	doc1 := `<?xml version="1.0" encoding="ISO-8859-1"?>` + "\n" + `<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">a</sessionId></BroadsoftDocument>`
	doc2 := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<BroadsoftDocument protocol="OCI" xmlns="C"><sessionId xmlns="">b</sessionId></BroadsoftDocument>`
	go func() {
		// Two replies, each ending with a newline, written a few bytes at a time.
		all := doc1 + "\n" + doc2 + "\n"
		for i := 0; i < len(all); i += 7 {
			_, _ = server.Write([]byte(all[i:min(i+7, len(all))]))
		}
		time.Sleep(20 * time.Millisecond)
		_ = server.Close()
	}()
	for _, want := range []string{doc1, doc2} {
		got, err := tr.readDocLocked()
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Fatalf("got %q\nwant %q", got, want)
		}
	}
	if _, err := tr.readDocLocked(); err == nil {
		t.Fatal("read past the end")
	}
	tr.maxReply = 10
	tr.pending = []byte("<BroadsoftDocument>0123456789")
	if _, err := tr.readDocLocked(); err == nil {
		t.Fatal("oversized reply accepted")
	}
}

func TestIdleProbe(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	conns := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			conns <- c
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = c.Close() }()
	srv := <-conns
	tr := &tcpTransport{conn: c}
	if !tr.aliveLocked() {
		t.Fatal("idle open connection judged dead")
	}
	_, _ = srv.Write([]byte("\n \r\n")) // a late trailing newline is not a problem
	time.Sleep(20 * time.Millisecond)
	if !tr.aliveLocked() {
		t.Fatal("trailing whitespace judged as a dead connection")
	}
	_, _ = srv.Write([]byte("<x/>"))
	time.Sleep(20 * time.Millisecond)
	if tr.aliveLocked() {
		t.Fatal("unsolicited data not noticed")
	}
	_ = srv.Close()
	time.Sleep(20 * time.Millisecond)
	if tr.aliveLocked() {
		t.Fatal("closed connection judged alive")
	}
}

func TestBackoff(t *testing.T) {
	min, max, capRA := 100*time.Millisecond, time.Second, 5*time.Second
	for attempt, lo := range []time.Duration{100, 200, 400, 800, 1000, 1000} {
		d := backoff(min, max, capRA, attempt, 0)
		if d < lo*time.Millisecond || d > max {
			t.Errorf("attempt %d: %v", attempt, d)
		}
	}
	if d := backoff(min, max, capRA, 0, 3*time.Second); d != 3*time.Second {
		t.Errorf("Retry-After 3s gave %v", d)
	}
	if d := backoff(min, max, capRA, 0, time.Hour); d != capRA {
		t.Errorf("Retry-After 1h gave %v, want the MaxRetryAfter cap", d)
	}
	resp := &http.Response{StatusCode: 429, Header: http.Header{"Retry-After": {"7"}}}
	if d := retryAfter(resp); d != 7*time.Second {
		t.Errorf("Retry-After seconds: %v", d)
	}
	resp.Header.Set("Retry-After", time.Now().Add(10*time.Second).UTC().Format(http.TimeFormat))
	if d := retryAfter(resp); d < 8*time.Second || d > 10*time.Second {
		t.Errorf("Retry-After date: %v", d)
	}
	resp.StatusCode = 500
	if d := retryAfter(resp); d != 0 {
		t.Errorf("Retry-After on a 500 honoured: %v", d)
	}
}
