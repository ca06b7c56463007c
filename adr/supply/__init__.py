"""Supply chain: package-install extraction, manifests, typosquats, known-malicious data, feeds."""
