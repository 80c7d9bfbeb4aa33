package ocip

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"
)

// transport carries one document to the server and brings back its reply. Both transports (SOAP over
// HTTP(S), the OCS socket) implement it.
type transport interface {
	// roundTrip sends doc and returns the reply. epoch is the connection the session logged in on
	// (-1: any connection, opening one when needed, for the login documents); a transport whose
	// connection changed since returns a *transportError with sessionLost and notSent set, without
	// sending. It returns the epoch the document went over.
	roundTrip(ctx context.Context, doc []byte, epoch int, read bool) ([]byte, int, error)
	// charset is the encoding documents are written in for this transport.
	charset() string
	// secure reports whether a plain-text password may be sent (TLS, or a loopback host).
	secure() bool
	// resetSession forgets transport-level session state (the SOAP JSESSIONID) before a new login.
	resetSession()
	name() string
	// boundsAttempts reports whether roundTrip retries by itself and bounds each of its attempts
	// with Config.RequestTimeout (SOAP: go-retryablehttp, http.Client.Timeout); otherwise
	// Client.send bounds the one attempt of a roundTrip.
	boundsAttempts() bool
	close() error
}

// transportError classifies a transport failure for the client's retry and relogin decisions.
type transportError struct {
	err         error
	notSent     bool // the document certainly did not reach the server
	transient   bool // the failure may heal on retry (timeouts, resets, refused connections)
	sessionLost bool // the login is gone (connection dropped, "not logged in" fault): log in again
}

func (e *transportError) Error() string { return e.err.Error() }
func (e *transportError) Unwrap() error { return e.err }

func isConnRefused(err error) bool {
	return errors.Is(err, syscall.ECONNREFUSED)
}

// isTransientNet reports network failures that may heal: timeouts, resets, early EOFs.
func isTransientNet(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, context.Canceled) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, net.ErrClosed)
}

// tcpTransport is the OCS socket: one connection, documents written and answered one at a time.
type tcpTransport struct {
	addr        string
	tlsConf     *tls.Config // nil: plain TCP (loopback only)
	loopback    bool
	dialTimeout time.Duration
	maxReply    int

	mu      sync.Mutex
	conn    net.Conn
	pending []byte
	epoch   int
}

var closingTag = []byte("</BroadsoftDocument>")

func (t *tcpTransport) charset() string      { return charsetLatin1 }
func (t *tcpTransport) secure() bool         { return t.tlsConf != nil || t.loopback }
func (t *tcpTransport) resetSession()        {}
func (t *tcpTransport) boundsAttempts() bool { return false }

func (t *tcpTransport) name() string {
	if t.tlsConf != nil {
		return "tls"
	}
	return "tcp"
}

func (t *tcpTransport) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.dropLocked()
}

func (t *tcpTransport) dropLocked() error {
	t.pending = nil
	if t.conn == nil {
		return nil
	}
	err := t.conn.Close()
	t.conn = nil
	return err
}

// aliveLocked probes an idle connection: a peer that closed it (idle timeout, restart) shows as EOF
// before we write, so a write is never sent into a dead socket we could have known about. Whitespace
// after the last reply (its trailing newline, arriving late) is consumed; anything else means the
// stream is out of step.
func (t *tcpTransport) aliveLocked() bool {
	if len(bytes.TrimSpace(t.pending)) > 0 {
		return false
	}
	t.pending = nil
	var buf [256]byte
	for {
		if err := t.conn.SetReadDeadline(time.Now().Add(time.Millisecond)); err != nil {
			return false
		}
		n, err := t.conn.Read(buf[:])
		if len(bytes.TrimSpace(buf[:n])) > 0 {
			return false
		}
		if err != nil {
			var ne net.Error
			return errors.As(err, &ne) && ne.Timeout()
		}
	}
}

func (t *tcpTransport) dial(ctx context.Context) (net.Conn, error) {
	d := &net.Dialer{Timeout: t.dialTimeout, KeepAlive: 30 * time.Second}
	if t.tlsConf == nil {
		return d.DialContext(ctx, "tcp", t.addr)
	}
	td := &tls.Dialer{NetDialer: d, Config: t.tlsConf}
	return td.DialContext(ctx, "tcp", t.addr)
}

func (t *tcpTransport) roundTrip(ctx context.Context, doc []byte, epoch int, _ bool) ([]byte, int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil && !t.aliveLocked() {
		_ = t.dropLocked()
	}
	if t.conn == nil {
		if epoch >= 0 {
			return nil, t.epoch, &transportError{err: errors.New("ocip: oci-p connection closed"), notSent: true, transient: true, sessionLost: true}
		}
		conn, err := t.dial(ctx)
		if err != nil {
			return nil, t.epoch, &transportError{err: fmt.Errorf("ocip: connect %s: %w", t.addr, err), notSent: true,
				transient: isConnRefused(err) || isTransientNet(err)}
		}
		t.conn = conn
		t.epoch++
	} else if epoch >= 0 && epoch != t.epoch {
		return nil, t.epoch, &transportError{err: errors.New("ocip: oci-p connection changed since login"), notSent: true, transient: true, sessionLost: true}
	}
	conn := t.conn
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Time{}
	}
	if err := conn.SetDeadline(deadline); err != nil {
		_ = t.dropLocked()
		return nil, t.epoch, &transportError{err: err, notSent: true, transient: true, sessionLost: true}
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	if _, err := conn.Write(doc); err != nil {
		_ = t.dropLocked()
		// A document cut short is not processed; a write error means it was not all written.
		return nil, t.epoch, &transportError{err: fmt.Errorf("ocip: send: %w", ctxErr(ctx, err)), notSent: true, transient: true, sessionLost: true}
	}
	reply, err := t.readDocLocked()
	if err != nil {
		_ = t.dropLocked()
		return nil, t.epoch, &transportError{err: fmt.Errorf("ocip: receive: %w", ctxErr(ctx, err)), transient: ctx.Err() == nil && isTransientNet(err), sessionLost: true}
	}
	return reply, t.epoch, nil
}

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%w)", ctx.Err(), err)
	}
	return err
}

// readDocLocked reads until the next </BroadsoftDocument>; bytes after it stay pending.
func (t *tcpTransport) readDocLocked() ([]byte, error) {
	buf := make([]byte, 32*1024)
	for {
		if i := bytes.Index(t.pending, closingTag); i >= 0 {
			end := i + len(closingTag)
			doc := bytes.TrimLeft(t.pending[:end], " \t\r\n")
			rest := bytes.TrimLeft(t.pending[end:], " \t\r\n")
			t.pending = append([]byte(nil), rest...)
			return append([]byte(nil), doc...), nil
		}
		if len(t.pending) > t.maxReply {
			return nil, fmt.Errorf("reply larger than %d bytes without </BroadsoftDocument>", t.maxReply)
		}
		n, err := t.conn.Read(buf)
		t.pending = append(t.pending, buf[:n]...)
		if err != nil {
			if n > 0 && bytes.Contains(t.pending, closingTag) {
				continue
			}
			return nil, err
		}
	}
}
