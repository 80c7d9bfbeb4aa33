package provider

import (
	"context"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the provider's protocol 6 server: the framework's, with every request's context
// released when the request returns (releasingServer). main serves it; the acceptance tests use it.
func NewServer(version, commit string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		framework := providerserver.NewProtocol6(New(version, commit)())()
		if full, ok := framework.(frameworkServer); ok {
			return releasingServer{full}
		}
		return framework // a framework without the optional servers: serve it as it is
	}
}

// frameworkServer is what the framework's protocol 6 server implements: the provider server and
// the optional ones tf6server looks for (list resources, actions, state stores), which the wrapper
// must not hide.
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// releasingServer works around a memory leak of terraform-plugin-framework (v1.19.0, the newest):
// its protocol server derives a cancellable context from every request's context and keeps the
// cancel function until StopProvider (proto6server's registerContext appends it to a slice that
// only StopProvider empties), so every request's context (its loggers, fields and the gRPC stream,
// about 11 KB, measured) stays reachable for the life of the provider process: a plan of 3,200
// resources held 440 MB. Each request therefore gets a releasableContext, and
// after the request returns the framework's kept context reaches only that small shell.
//
// Every unary RPC of tfprotov6.ProviderServer is wrapped (TestReleasingServerWrapsEveryRPC); the
// optional servers' RPCs (list resources, actions, state stores: this provider has none, and their
// answers stream after the call returns) go to the framework unchanged.
type releasingServer struct {
	frameworkServer
}

// released calls f with a context that lets go of ctx when f returns.
func released[Req, Resp any](ctx context.Context, f func(context.Context, Req) (Resp, error), req Req) (Resp, error) {
	rc := newReleasableContext(ctx)
	defer rc.release()
	return f(rc, req)
}

func (s releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return released(ctx, s.frameworkServer.ValidateResourceConfig, req)
}

func (s releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return released(ctx, s.frameworkServer.UpgradeResourceState, req)
}

func (s releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return released(ctx, s.frameworkServer.UpgradeResourceIdentity, req)
}

func (s releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return released(ctx, s.frameworkServer.ReadResource, req)
}

func (s releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return released(ctx, s.frameworkServer.PlanResourceChange, req)
}

func (s releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return released(ctx, s.frameworkServer.ApplyResourceChange, req)
}

func (s releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return released(ctx, s.frameworkServer.ImportResourceState, req)
}

func (s releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return released(ctx, s.frameworkServer.MoveResourceState, req)
}

func (s releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return released(ctx, s.frameworkServer.ValidateDataResourceConfig, req)
}

func (s releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return released(ctx, s.frameworkServer.ReadDataSource, req)
}

func (s releasingServer) CallFunction(ctx context.Context, req *tfprotov6.CallFunctionRequest) (*tfprotov6.CallFunctionResponse, error) {
	return released(ctx, s.frameworkServer.CallFunction, req)
}

func (s releasingServer) ValidateEphemeralResourceConfig(ctx context.Context, req *tfprotov6.ValidateEphemeralResourceConfigRequest) (*tfprotov6.ValidateEphemeralResourceConfigResponse, error) {
	return released(ctx, s.frameworkServer.ValidateEphemeralResourceConfig, req)
}

func (s releasingServer) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	return released(ctx, s.frameworkServer.OpenEphemeralResource, req)
}

func (s releasingServer) RenewEphemeralResource(ctx context.Context, req *tfprotov6.RenewEphemeralResourceRequest) (*tfprotov6.RenewEphemeralResourceResponse, error) {
	return released(ctx, s.frameworkServer.RenewEphemeralResource, req)
}

func (s releasingServer) CloseEphemeralResource(ctx context.Context, req *tfprotov6.CloseEphemeralResourceRequest) (*tfprotov6.CloseEphemeralResourceResponse, error) {
	return released(ctx, s.frameworkServer.CloseEphemeralResource, req)
}

func (s releasingServer) GetMetadata(ctx context.Context, req *tfprotov6.GetMetadataRequest) (*tfprotov6.GetMetadataResponse, error) {
	return released(ctx, s.frameworkServer.GetMetadata, req)
}

func (s releasingServer) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return released(ctx, s.frameworkServer.GetProviderSchema, req)
}

func (s releasingServer) GetResourceIdentitySchemas(ctx context.Context, req *tfprotov6.GetResourceIdentitySchemasRequest) (*tfprotov6.GetResourceIdentitySchemasResponse, error) {
	return released(ctx, s.frameworkServer.GetResourceIdentitySchemas, req)
}

func (s releasingServer) GetFunctions(ctx context.Context, req *tfprotov6.GetFunctionsRequest) (*tfprotov6.GetFunctionsResponse, error) {
	return released(ctx, s.frameworkServer.GetFunctions, req)
}

func (s releasingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return released(ctx, s.frameworkServer.ValidateProviderConfig, req)
}

func (s releasingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return released(ctx, s.frameworkServer.ConfigureProvider, req)
}

func (s releasingServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return released(ctx, s.frameworkServer.StopProvider, req)
}

func (s releasingServer) GenerateResourceConfig(ctx context.Context, req *tfprotov6.GenerateResourceConfigRequest) (*tfprotov6.GenerateResourceConfigResponse, error) {
	return released(ctx, s.frameworkServer.GenerateResourceConfig, req)
}

// releasableContext is a request's context until release; then it keeps only what a context must
// keep answering the same (its Done channel, its deadline) and drops the rest: Value finds nothing,
// and Err reports the request's error, or context.Canceled once Done is closed. Work that outlives the request on a context
// derived from it (a bulk read another request still waits for) keeps running, without the
// request's loggers.
type releasableContext struct {
	done     <-chan struct{}
	deadline time.Time
	hasDL    bool

	mu    sync.RWMutex
	inner context.Context // nil once released
	err   error           // inner's Err when released
}

func newReleasableContext(ctx context.Context) *releasableContext {
	dl, ok := ctx.Deadline()
	return &releasableContext{inner: ctx, done: ctx.Done(), deadline: dl, hasDL: ok}
}

func (c *releasableContext) release() {
	c.mu.Lock()
	c.err = c.inner.Err()
	c.inner = nil
	c.mu.Unlock()
}

func (c *releasableContext) get() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.inner
}

func (c *releasableContext) Deadline() (time.Time, bool) { return c.deadline, c.hasDL }

func (c *releasableContext) Done() <-chan struct{} { return c.done }

func (c *releasableContext) Err() error {
	c.mu.RLock()
	inner, err := c.inner, c.err
	c.mu.RUnlock()
	if inner != nil {
		return inner.Err()
	}
	if err != nil {
		return err
	}
	select {
	case <-c.done:
		return context.Canceled
	default:
		return nil
	}
}

func (c *releasableContext) Value(key any) any {
	if inner := c.get(); inner != nil {
		return inner.Value(key)
	}
	return nil
}
