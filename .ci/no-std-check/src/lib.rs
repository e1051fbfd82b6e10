//! A C-callable scorer with no standard library and no allocator.
#![no_std]

/// P(malicious) of a host name given as `len` bytes at `name`, or -1 if it is not scored.
#[no_mangle]
pub extern "C" fn dga_p_malicious(name: &[u8; 253], len: usize) -> f64 {
    let bytes = name.get(..len).unwrap_or_default();
    match core::str::from_utf8(bytes).map(dga_classifier::classify) {
        Ok(Ok(c)) => c.score().map_or(-1.0, |s| s.p_malicious),
        _ => -1.0,
    }
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
