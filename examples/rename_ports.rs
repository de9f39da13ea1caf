//! Renaming ports: give port 1 a new name, read the names back, and restore the old name.
//!
//! Renaming works on firmware 1.30; other firmware rejects it and the example says so.
//! Run with `cargo run -p maxsmart-examples --example rename_ports [ADDRESS]`.

use maxsmart_examples::Target;
use maxsmart_tokio::Error;

#[tokio::main]
async fn main() -> maxsmart_examples::Result<()> {
    let target = Target::from_env().await?;
    let device = target.connect().await?;

    let before = device.names().await?;
    let old_name = before.port(1).unwrap_or("PORT1").to_owned();
    println!("Port 1 is called {old_name:?}.");

    match device.rename_port(1, "Desk lamp").await {
        Ok(()) => {}
        Err(Error::Unsupported { error, .. }) => {
            println!("This device cannot rename ports: {error}.");
            device.close().await;
            target.stop().await;
            return Ok(());
        }
        Err(error) => return Err(error.into()),
    }
    let after = device.names().await?;
    println!("After renaming: {:?}", after.port(1).unwrap_or("(none)"));

    device.rename_port(1, &old_name).await?;
    let restored = device.names().await?;
    println!("Restored:       {:?}", restored.port(1).unwrap_or("(none)"));

    device.close().await;
    target.stop().await;
    Ok(())
}
