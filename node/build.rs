//! The addon's link settings for Node (napi-build).

fn main() {
    napi_build::setup();
}
