//! The AWS Lambda function: the original's `POST {"domain": "..."}` API, rebuilt on the library.
//!
//! Works behind API Gateway REST APIs (payload 1.0), HTTP APIs (2.0) and function URLs (2.0), with
//! plain or base64 bodies (`lambda_http` decodes them). CORS as the original had it: any origin
//! may `POST`, and the `OPTIONS` preflight is answered here. Bad input is a 4xx with
//! `{"error": "..."}`, never a 500: the shared `programs/src/api.rs` decides every answer.
//!
//! Build and deploy: see the README, "Deploying the Lambda function".

use dga_lambda as handler;

use lambda_http::{service_fn, Error, Request};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_http::run(service_fn(|request: Request| async move {
        Ok::<_, Error>(handler::handle(&request))
    }))
    .await
}
