package provider

import (
	"context"
	"errors"
	"reflect"
	"runtime"
	"testing"
	"time"
	"weak"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// payload stands for what a request's context carries (loggers, fields, the gRPC stream).
type payload struct{ _ [64 << 10]byte }

type payloadKey struct{}

// callWithPayload calls call with a cancellable context carrying a new payload, cancels it as gRPC
// does when a request ends, and returns a weak pointer to the payload.
//
//go:noinline
func callWithPayload(call func(ctx context.Context)) weak.Pointer[payload] {
	p := &payload{}
	w := weak.Make(p)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), payloadKey{}, p))
	call(ctx)
	cancel()
	return w
}

func collected(w weak.Pointer[payload]) bool {
	runtime.GC()
	runtime.GC()
	return w.Value() == nil
}

// callRPC calls the method named name on srv with a zero request; the framework may panic on
// one (a provider configuration without a value), after the request's context was handed over.
func callRPC(ctx context.Context, srv any, name string) {
	defer func() { _ = recover() }()
	m := reflect.ValueOf(srv).MethodByName(name)
	req := reflect.New(m.Type().In(1).Elem())
	m.Call([]reflect.Value{reflect.ValueOf(ctx), req})
}

// The framework keeps every request's context for the life of the process: this is the leak that
// releasingServer works around. When this test fails, the framework has stopped doing so, and
// releasingServer (provider/server.go) can go.
func TestFrameworkKeepsRequestContexts(t *testing.T) {
	srv := providerserver.NewProtocol6(New("test", "none")())()
	w := callWithPayload(func(ctx context.Context) { callRPC(ctx, srv, "ValidateResourceConfig") })
	if collected(w) {
		t.Fatal("the framework's server no longer keeps a request's context after the request: remove releasingServer")
	}
	runtime.KeepAlive(srv) // the server lives as long as the provider process
}

// Every unary RPC of the provider server lets go of its request's context when it returns.
func TestReleasingServerWrapsEveryRPC(t *testing.T) {
	srv := NewServer("test", "none")()
	if _, ok := srv.(releasingServer); !ok {
		t.Fatalf("NewServer returned a %T, want releasingServer", srv)
	}
	iface := reflect.TypeFor[tfprotov6.ProviderServer]()
	for i := range iface.NumMethod() {
		name := iface.Method(i).Name
		t.Run(name, func(t *testing.T) {
			w := callWithPayload(func(ctx context.Context) { callRPC(ctx, srv, name) })
			if !collected(w) {
				t.Errorf("%s keeps its request's context after it returns: wrap it in releasingServer", name)
			}
			runtime.KeepAlive(srv)
		})
	}
}

// The wrapper does not hide the optional servers tf6server looks for (its ProviderServerWith…
// interfaces: the provider server and one of these).
func TestReleasingServerKeepsOptionalServers(t *testing.T) {
	srv := NewServer("test", "none")()
	if _, ok := srv.(tfprotov6.ListResourceServer); !ok {
		t.Error("the server hides the list resource server")
	}
	if _, ok := srv.(tfprotov6.ActionServer); !ok {
		t.Error("the server hides the action server")
	}
	if _, ok := srv.(tfprotov6.StateStoreServer); !ok {
		t.Error("the server hides the state store server")
	}
}

func TestReleasableContext(t *testing.T) {
	type key struct{}
	dl := time.Now().Add(time.Hour)
	parent, cancel := context.WithDeadline(context.WithValue(context.Background(), key{}, "v"), dl)
	defer cancel()

	rc := newReleasableContext(parent)
	child, cancelChild := context.WithCancel(rc) // as the framework derives one
	defer cancelChild()
	if got := rc.Value(key{}); got != "v" {
		t.Fatalf("Value before release = %v, want v", got)
	}
	if got, ok := rc.Deadline(); !ok || !got.Equal(dl) {
		t.Fatalf("Deadline = %v, %v; want %v, true", got, ok, dl)
	}
	done := rc.Done()
	if rc.Err() != nil {
		t.Fatalf("Err before the end = %v", rc.Err())
	}

	rc.release()
	if got := rc.Value(key{}); got != nil {
		t.Errorf("Value after release = %v, want nil", got)
	}
	if rc.Done() != done {
		t.Error("Done changed at release")
	}
	if got, ok := rc.Deadline(); !ok || !got.Equal(dl) {
		t.Errorf("Deadline after release = %v, %v; want %v, true", got, ok, dl)
	}
	if rc.Err() != nil {
		t.Errorf("Err after release, before the end = %v, want nil", rc.Err())
	}

	cancel() // the request ends after the handler returned
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("a context derived before the release is not cancelled when the request ends")
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("Err after the end = %v, want context.Canceled", rc.Err())
	}
}

func TestReleasableContextKeepsTheRequestsError(t *testing.T) {
	parent, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	rc := newReleasableContext(parent)
	rc.release()
	if !errors.Is(rc.Err(), context.DeadlineExceeded) {
		t.Errorf("Err = %v, want context.DeadlineExceeded", rc.Err())
	}
}
