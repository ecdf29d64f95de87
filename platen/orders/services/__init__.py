"""Order use cases. Each public function owns its transaction."""
