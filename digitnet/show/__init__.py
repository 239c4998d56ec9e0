"""What people see: terminal grids, pictures of the network and of the steps, the drawing pad."""
