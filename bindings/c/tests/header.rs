//! `include/dga_classifier.h` is what cbindgen generates from `src/lib.rs` today: a change to the
//! API that was not carried into the committed header fails here. `DGA_BLESS=1` rewrites it.

use std::path::Path;

#[test]
fn committed_header_is_generated_from_the_source() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).unwrap();
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen reads src/lib.rs")
        .write(&mut generated);
    let committed_path = crate_dir.join("include/dga_classifier.h");
    if std::env::var_os("DGA_BLESS").is_some() {
        std::fs::write(&committed_path, &generated).unwrap();
    }
    let committed = std::fs::read(&committed_path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is not what cbindgen generates from src/lib.rs: rerun with DGA_BLESS=1",
        committed_path.display()
    );
}
