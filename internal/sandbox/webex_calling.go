package sandbox

func (s *Server) wxCallingRoutes() []wxRoute { return nil }
