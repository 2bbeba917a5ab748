package hookd

import "github.com/hookd/hookd/plugin-sdk/go/gen/hookdv1"

// Conversions between the SDK's route and HTTP types and the protocol's messages.

func routeFromProto(route *hookdv1.Route) Route {
	return Route{Method: route.GetMethod(), Path: route.GetPath()}
}

func routeToProto(route Route) *hookdv1.Route {
	return &hookdv1.Route{Method: route.Method, Path: route.Path}
}

func encodeRouteChanges(changes *RouteChanges) *hookdv1.ApiUpdateHandlerResponse {
	reply := &hookdv1.ApiUpdateHandlerResponse{}
	if changes == nil {
		return reply
	}
	for _, route := range changes.Add {
		reply.Add = append(reply.Add, routeToProto(route))
	}
	for _, route := range changes.Remove {
		reply.Remove = append(reply.Remove, routeToProto(route))
	}
	for _, wrap := range changes.Wrap {
		reply.Wrap = append(reply.Wrap, &hookdv1.RouteWrap{Route: routeToProto(wrap.Route), Before: wrap.Before, After: wrap.After})
	}
	return reply
}

func headersFromProto(headers []*hookdv1.HttpHeader) []HttpHeader {
	converted := make([]HttpHeader, 0, len(headers))
	for _, header := range headers {
		converted = append(converted, HttpHeader{Name: header.GetName(), Value: header.GetValue()})
	}
	return converted
}

func headersToProto(headers []HttpHeader) []*hookdv1.HttpHeader {
	converted := make([]*hookdv1.HttpHeader, 0, len(headers))
	for _, header := range headers {
		converted = append(converted, &hookdv1.HttpHeader{Name: header.Name, Value: header.Value})
	}
	return converted
}

func httpRequestFromProto(request *hookdv1.HttpRequest) *HttpRequest {
	if request == nil {
		return nil
	}
	return &HttpRequest{
		Method: request.GetMethod(), Path: request.GetPath(), Query: request.GetQuery(),
		Headers: headersFromProto(request.GetHeaders()), Body: request.GetBody(),
		RoutePath: request.GetRoutePath(), PathParams: request.GetPathParams(),
	}
}

func httpRequestToProto(request *HttpRequest) *hookdv1.HttpRequest {
	if request == nil {
		return nil
	}
	return &hookdv1.HttpRequest{
		Method: request.Method, Path: request.Path, Query: request.Query,
		Headers: headersToProto(request.Headers), Body: request.Body,
		RoutePath: request.RoutePath, PathParams: request.PathParams,
	}
}

func httpResponseFromProto(response *hookdv1.HttpResponse) *HttpResponse {
	if response == nil {
		return nil
	}
	return &HttpResponse{Status: int(response.GetStatus()), Headers: headersFromProto(response.GetHeaders()), Body: response.GetBody()}
}

func httpResponseToProto(response *HttpResponse) *hookdv1.HttpResponse {
	if response == nil {
		return nil
	}
	return &hookdv1.HttpResponse{Status: int32(response.Status), Headers: headersToProto(response.Headers), Body: response.Body}
}
