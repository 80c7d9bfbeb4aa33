package sandbox

func (s *Server) wxWholesaleRoutes() []wxRoute { return nil }
