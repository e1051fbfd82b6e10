//! The AWS Lambda function: the original's `POST {"domain": "..."}` API, rebuilt on the library.
//!
//! Works behind API Gateway REST APIs (payload 1.0), HTTP APIs (2.0), function URLs (2.0) and
//! Application Load Balancers, and invoked directly with `{"domain": "..."}`. CORS as the original
//! had it: any origin may call, and the `OPTIONS` preflight is answered here. Every event gets an
//! answer, never an invocation error: bad input is a 4xx with `{"error": "..."}`, decided by the
//! shared `programs/src/api.rs`; see `src/lib.rs` for each kind of event.
//!
//! Build and deploy: see the README, "Deploying the Lambda function".

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::value::RawValue;

#[tokio::main]
async fn main() -> Result<(), Error> {
    // The event as the Runtime API sent it: the runtime's own reading into a JSON value refuses a
    // lone surrogate escape or 128 levels of nesting, an invocation error before any handler.
    // Taken raw (checked as JSON, not decoded), the handler reads it and answers whatever it is.
    lambda_runtime::run(service_fn(|event: LambdaEvent<Box<RawValue>>| async move {
        Ok::<_, Error>(dga_lambda::handle_raw(event.payload.get()))
    }))
    .await
}
