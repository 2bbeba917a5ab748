import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { DescriptorProto as _google_protobuf_DescriptorProto, DescriptorProto__Output as _google_protobuf_DescriptorProto__Output } from './google/protobuf/DescriptorProto.ts';
import type { EnumDescriptorProto as _google_protobuf_EnumDescriptorProto, EnumDescriptorProto__Output as _google_protobuf_EnumDescriptorProto__Output } from './google/protobuf/EnumDescriptorProto.ts';
import type { EnumOptions as _google_protobuf_EnumOptions, EnumOptions__Output as _google_protobuf_EnumOptions__Output } from './google/protobuf/EnumOptions.ts';
import type { EnumValueDescriptorProto as _google_protobuf_EnumValueDescriptorProto, EnumValueDescriptorProto__Output as _google_protobuf_EnumValueDescriptorProto__Output } from './google/protobuf/EnumValueDescriptorProto.ts';
import type { EnumValueOptions as _google_protobuf_EnumValueOptions, EnumValueOptions__Output as _google_protobuf_EnumValueOptions__Output } from './google/protobuf/EnumValueOptions.ts';
import type { ExtensionRangeOptions as _google_protobuf_ExtensionRangeOptions, ExtensionRangeOptions__Output as _google_protobuf_ExtensionRangeOptions__Output } from './google/protobuf/ExtensionRangeOptions.ts';
import type { FeatureSet as _google_protobuf_FeatureSet, FeatureSet__Output as _google_protobuf_FeatureSet__Output } from './google/protobuf/FeatureSet.ts';
import type { FeatureSetDefaults as _google_protobuf_FeatureSetDefaults, FeatureSetDefaults__Output as _google_protobuf_FeatureSetDefaults__Output } from './google/protobuf/FeatureSetDefaults.ts';
import type { FieldDescriptorProto as _google_protobuf_FieldDescriptorProto, FieldDescriptorProto__Output as _google_protobuf_FieldDescriptorProto__Output } from './google/protobuf/FieldDescriptorProto.ts';
import type { FieldOptions as _google_protobuf_FieldOptions, FieldOptions__Output as _google_protobuf_FieldOptions__Output } from './google/protobuf/FieldOptions.ts';
import type { FileDescriptorProto as _google_protobuf_FileDescriptorProto, FileDescriptorProto__Output as _google_protobuf_FileDescriptorProto__Output } from './google/protobuf/FileDescriptorProto.ts';
import type { FileDescriptorSet as _google_protobuf_FileDescriptorSet, FileDescriptorSet__Output as _google_protobuf_FileDescriptorSet__Output } from './google/protobuf/FileDescriptorSet.ts';
import type { FileOptions as _google_protobuf_FileOptions, FileOptions__Output as _google_protobuf_FileOptions__Output } from './google/protobuf/FileOptions.ts';
import type { GeneratedCodeInfo as _google_protobuf_GeneratedCodeInfo, GeneratedCodeInfo__Output as _google_protobuf_GeneratedCodeInfo__Output } from './google/protobuf/GeneratedCodeInfo.ts';
import type { MessageOptions as _google_protobuf_MessageOptions, MessageOptions__Output as _google_protobuf_MessageOptions__Output } from './google/protobuf/MessageOptions.ts';
import type { MethodDescriptorProto as _google_protobuf_MethodDescriptorProto, MethodDescriptorProto__Output as _google_protobuf_MethodDescriptorProto__Output } from './google/protobuf/MethodDescriptorProto.ts';
import type { MethodOptions as _google_protobuf_MethodOptions, MethodOptions__Output as _google_protobuf_MethodOptions__Output } from './google/protobuf/MethodOptions.ts';
import type { OneofDescriptorProto as _google_protobuf_OneofDescriptorProto, OneofDescriptorProto__Output as _google_protobuf_OneofDescriptorProto__Output } from './google/protobuf/OneofDescriptorProto.ts';
import type { OneofOptions as _google_protobuf_OneofOptions, OneofOptions__Output as _google_protobuf_OneofOptions__Output } from './google/protobuf/OneofOptions.ts';
import type { ServiceDescriptorProto as _google_protobuf_ServiceDescriptorProto, ServiceDescriptorProto__Output as _google_protobuf_ServiceDescriptorProto__Output } from './google/protobuf/ServiceDescriptorProto.ts';
import type { ServiceOptions as _google_protobuf_ServiceOptions, ServiceOptions__Output as _google_protobuf_ServiceOptions__Output } from './google/protobuf/ServiceOptions.ts';
import type { SourceCodeInfo as _google_protobuf_SourceCodeInfo, SourceCodeInfo__Output as _google_protobuf_SourceCodeInfo__Output } from './google/protobuf/SourceCodeInfo.ts';
import type { UninterpretedOption as _google_protobuf_UninterpretedOption, UninterpretedOption__Output as _google_protobuf_UninterpretedOption__Output } from './google/protobuf/UninterpretedOption.ts';
import type { ApiUpdateHandlerRequest as _hookd_v1_ApiUpdateHandlerRequest, ApiUpdateHandlerRequest__Output as _hookd_v1_ApiUpdateHandlerRequest__Output } from './hookd/v1/ApiUpdateHandlerRequest.ts';
import type { ApiUpdateHandlerResponse as _hookd_v1_ApiUpdateHandlerResponse, ApiUpdateHandlerResponse__Output as _hookd_v1_ApiUpdateHandlerResponse__Output } from './hookd/v1/ApiUpdateHandlerResponse.ts';
import type { ConfigureRequest as _hookd_v1_ConfigureRequest, ConfigureRequest__Output as _hookd_v1_ConfigureRequest__Output } from './hookd/v1/ConfigureRequest.ts';
import type { ConfigureResponse as _hookd_v1_ConfigureResponse, ConfigureResponse__Output as _hookd_v1_ConfigureResponse__Output } from './hookd/v1/ConfigureResponse.ts';
import type { ContainerPostUpdateRequest as _hookd_v1_ContainerPostUpdateRequest, ContainerPostUpdateRequest__Output as _hookd_v1_ContainerPostUpdateRequest__Output } from './hookd/v1/ContainerPostUpdateRequest.ts';
import type { ContainerPostUpdateResponse as _hookd_v1_ContainerPostUpdateResponse, ContainerPostUpdateResponse__Output as _hookd_v1_ContainerPostUpdateResponse__Output } from './hookd/v1/ContainerPostUpdateResponse.ts';
import type { ContainerPreCreateEndpointRequest as _hookd_v1_ContainerPreCreateEndpointRequest, ContainerPreCreateEndpointRequest__Output as _hookd_v1_ContainerPreCreateEndpointRequest__Output } from './hookd/v1/ContainerPreCreateEndpointRequest.ts';
import type { ContainerPreCreateEndpointResponse as _hookd_v1_ContainerPreCreateEndpointResponse, ContainerPreCreateEndpointResponse__Output as _hookd_v1_ContainerPreCreateEndpointResponse__Output } from './hookd/v1/ContainerPreCreateEndpointResponse.ts';
import type { ContainerPreCreateRequest as _hookd_v1_ContainerPreCreateRequest, ContainerPreCreateRequest__Output as _hookd_v1_ContainerPreCreateRequest__Output } from './hookd/v1/ContainerPreCreateRequest.ts';
import type { ContainerPreCreateResponse as _hookd_v1_ContainerPreCreateResponse, ContainerPreCreateResponse__Output as _hookd_v1_ContainerPreCreateResponse__Output } from './hookd/v1/ContainerPreCreateResponse.ts';
import type { ContainerPreStartRequest as _hookd_v1_ContainerPreStartRequest, ContainerPreStartRequest__Output as _hookd_v1_ContainerPreStartRequest__Output } from './hookd/v1/ContainerPreStartRequest.ts';
import type { ContainerPreStartResponse as _hookd_v1_ContainerPreStartResponse, ContainerPreStartResponse__Output as _hookd_v1_ContainerPreStartResponse__Output } from './hookd/v1/ContainerPreStartResponse.ts';
import type { ContainerPreUpdateRequest as _hookd_v1_ContainerPreUpdateRequest, ContainerPreUpdateRequest__Output as _hookd_v1_ContainerPreUpdateRequest__Output } from './hookd/v1/ContainerPreUpdateRequest.ts';
import type { ContainerPreUpdateResponse as _hookd_v1_ContainerPreUpdateResponse, ContainerPreUpdateResponse__Output as _hookd_v1_ContainerPreUpdateResponse__Output } from './hookd/v1/ContainerPreUpdateResponse.ts';
import type { CriPreCreateContainerRequest as _hookd_v1_CriPreCreateContainerRequest, CriPreCreateContainerRequest__Output as _hookd_v1_CriPreCreateContainerRequest__Output } from './hookd/v1/CriPreCreateContainerRequest.ts';
import type { CriPreCreateContainerResponse as _hookd_v1_CriPreCreateContainerResponse, CriPreCreateContainerResponse__Output as _hookd_v1_CriPreCreateContainerResponse__Output } from './hookd/v1/CriPreCreateContainerResponse.ts';
import type { DaemonPreStartRequest as _hookd_v1_DaemonPreStartRequest, DaemonPreStartRequest__Output as _hookd_v1_DaemonPreStartRequest__Output } from './hookd/v1/DaemonPreStartRequest.ts';
import type { DaemonPreStartResponse as _hookd_v1_DaemonPreStartResponse, DaemonPreStartResponse__Output as _hookd_v1_DaemonPreStartResponse__Output } from './hookd/v1/DaemonPreStartResponse.ts';
import type { DaemonPreStopRequest as _hookd_v1_DaemonPreStopRequest, DaemonPreStopRequest__Output as _hookd_v1_DaemonPreStopRequest__Output } from './hookd/v1/DaemonPreStopRequest.ts';
import type { DaemonPreStopResponse as _hookd_v1_DaemonPreStopResponse, DaemonPreStopResponse__Output as _hookd_v1_DaemonPreStopResponse__Output } from './hookd/v1/DaemonPreStopResponse.ts';
import type { DescribeRequest as _hookd_v1_DescribeRequest, DescribeRequest__Output as _hookd_v1_DescribeRequest__Output } from './hookd/v1/DescribeRequest.ts';
import type { DescribeResponse as _hookd_v1_DescribeResponse, DescribeResponse__Output as _hookd_v1_DescribeResponse__Output } from './hookd/v1/DescribeResponse.ts';
import type { HandleHttpRequest as _hookd_v1_HandleHttpRequest, HandleHttpRequest__Output as _hookd_v1_HandleHttpRequest__Output } from './hookd/v1/HandleHttpRequest.ts';
import type { HandleHttpResponse as _hookd_v1_HandleHttpResponse, HandleHttpResponse__Output as _hookd_v1_HandleHttpResponse__Output } from './hookd/v1/HandleHttpResponse.ts';
import type { HookContract as _hookd_v1_HookContract, HookContract__Output as _hookd_v1_HookContract__Output } from './hookd/v1/HookContract.ts';
import type { HookOptions as _hookd_v1_HookOptions, HookOptions__Output as _hookd_v1_HookOptions__Output } from './hookd/v1/HookOptions.ts';
import type { HookSubscription as _hookd_v1_HookSubscription, HookSubscription__Output as _hookd_v1_HookSubscription__Output } from './hookd/v1/HookSubscription.ts';
import type { HttpHeader as _hookd_v1_HttpHeader, HttpHeader__Output as _hookd_v1_HttpHeader__Output } from './hookd/v1/HttpHeader.ts';
import type { HttpRequest as _hookd_v1_HttpRequest, HttpRequest__Output as _hookd_v1_HttpRequest__Output } from './hookd/v1/HttpRequest.ts';
import type { HttpResponse as _hookd_v1_HttpResponse, HttpResponse__Output as _hookd_v1_HttpResponse__Output } from './hookd/v1/HttpResponse.ts';
import type { ImagePostPullRequest as _hookd_v1_ImagePostPullRequest, ImagePostPullRequest__Output as _hookd_v1_ImagePostPullRequest__Output } from './hookd/v1/ImagePostPullRequest.ts';
import type { ImagePostPullResponse as _hookd_v1_ImagePostPullResponse, ImagePostPullResponse__Output as _hookd_v1_ImagePostPullResponse__Output } from './hookd/v1/ImagePostPullResponse.ts';
import type { JsonDocument as _hookd_v1_JsonDocument, JsonDocument__Output as _hookd_v1_JsonDocument__Output } from './hookd/v1/JsonDocument.ts';
import type { OciHook as _hookd_v1_OciHook, OciHook__Output as _hookd_v1_OciHook__Output } from './hookd/v1/OciHook.ts';
import type { PluginClient as _hookd_v1_PluginClient, PluginDefinition as _hookd_v1_PluginDefinition } from './hookd/v1/Plugin.ts';
import type { RequestContext as _hookd_v1_RequestContext, RequestContext__Output as _hookd_v1_RequestContext__Output } from './hookd/v1/RequestContext.ts';
import type { Route as _hookd_v1_Route, Route__Output as _hookd_v1_Route__Output } from './hookd/v1/Route.ts';
import type { RouteWrap as _hookd_v1_RouteWrap, RouteWrap__Output as _hookd_v1_RouteWrap__Output } from './hookd/v1/RouteWrap.ts';
import type { ShutdownRequest as _hookd_v1_ShutdownRequest, ShutdownRequest__Output as _hookd_v1_ShutdownRequest__Output } from './hookd/v1/ShutdownRequest.ts';
import type { ShutdownResponse as _hookd_v1_ShutdownResponse, ShutdownResponse__Output as _hookd_v1_ShutdownResponse__Output } from './hookd/v1/ShutdownResponse.ts';
import type { VolumePreCreateRequest as _hookd_v1_VolumePreCreateRequest, VolumePreCreateRequest__Output as _hookd_v1_VolumePreCreateRequest__Output } from './hookd/v1/VolumePreCreateRequest.ts';
import type { VolumePreCreateResponse as _hookd_v1_VolumePreCreateResponse, VolumePreCreateResponse__Output as _hookd_v1_VolumePreCreateResponse__Output } from './hookd/v1/VolumePreCreateResponse.ts';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  google: {
    protobuf: {
      DescriptorProto: MessageTypeDefinition<_google_protobuf_DescriptorProto, _google_protobuf_DescriptorProto__Output>
      Edition: EnumTypeDefinition
      EnumDescriptorProto: MessageTypeDefinition<_google_protobuf_EnumDescriptorProto, _google_protobuf_EnumDescriptorProto__Output>
      EnumOptions: MessageTypeDefinition<_google_protobuf_EnumOptions, _google_protobuf_EnumOptions__Output>
      EnumValueDescriptorProto: MessageTypeDefinition<_google_protobuf_EnumValueDescriptorProto, _google_protobuf_EnumValueDescriptorProto__Output>
      EnumValueOptions: MessageTypeDefinition<_google_protobuf_EnumValueOptions, _google_protobuf_EnumValueOptions__Output>
      ExtensionRangeOptions: MessageTypeDefinition<_google_protobuf_ExtensionRangeOptions, _google_protobuf_ExtensionRangeOptions__Output>
      FeatureSet: MessageTypeDefinition<_google_protobuf_FeatureSet, _google_protobuf_FeatureSet__Output>
      FeatureSetDefaults: MessageTypeDefinition<_google_protobuf_FeatureSetDefaults, _google_protobuf_FeatureSetDefaults__Output>
      FieldDescriptorProto: MessageTypeDefinition<_google_protobuf_FieldDescriptorProto, _google_protobuf_FieldDescriptorProto__Output>
      FieldOptions: MessageTypeDefinition<_google_protobuf_FieldOptions, _google_protobuf_FieldOptions__Output>
      FileDescriptorProto: MessageTypeDefinition<_google_protobuf_FileDescriptorProto, _google_protobuf_FileDescriptorProto__Output>
      FileDescriptorSet: MessageTypeDefinition<_google_protobuf_FileDescriptorSet, _google_protobuf_FileDescriptorSet__Output>
      FileOptions: MessageTypeDefinition<_google_protobuf_FileOptions, _google_protobuf_FileOptions__Output>
      GeneratedCodeInfo: MessageTypeDefinition<_google_protobuf_GeneratedCodeInfo, _google_protobuf_GeneratedCodeInfo__Output>
      MessageOptions: MessageTypeDefinition<_google_protobuf_MessageOptions, _google_protobuf_MessageOptions__Output>
      MethodDescriptorProto: MessageTypeDefinition<_google_protobuf_MethodDescriptorProto, _google_protobuf_MethodDescriptorProto__Output>
      MethodOptions: MessageTypeDefinition<_google_protobuf_MethodOptions, _google_protobuf_MethodOptions__Output>
      OneofDescriptorProto: MessageTypeDefinition<_google_protobuf_OneofDescriptorProto, _google_protobuf_OneofDescriptorProto__Output>
      OneofOptions: MessageTypeDefinition<_google_protobuf_OneofOptions, _google_protobuf_OneofOptions__Output>
      ServiceDescriptorProto: MessageTypeDefinition<_google_protobuf_ServiceDescriptorProto, _google_protobuf_ServiceDescriptorProto__Output>
      ServiceOptions: MessageTypeDefinition<_google_protobuf_ServiceOptions, _google_protobuf_ServiceOptions__Output>
      SourceCodeInfo: MessageTypeDefinition<_google_protobuf_SourceCodeInfo, _google_protobuf_SourceCodeInfo__Output>
      SymbolVisibility: EnumTypeDefinition
      UninterpretedOption: MessageTypeDefinition<_google_protobuf_UninterpretedOption, _google_protobuf_UninterpretedOption__Output>
    }
  }
  hookd: {
    v1: {
      ApiUpdateHandlerRequest: MessageTypeDefinition<_hookd_v1_ApiUpdateHandlerRequest, _hookd_v1_ApiUpdateHandlerRequest__Output>
      ApiUpdateHandlerResponse: MessageTypeDefinition<_hookd_v1_ApiUpdateHandlerResponse, _hookd_v1_ApiUpdateHandlerResponse__Output>
      Combine: EnumTypeDefinition
      ConfigureRequest: MessageTypeDefinition<_hookd_v1_ConfigureRequest, _hookd_v1_ConfigureRequest__Output>
      ConfigureResponse: MessageTypeDefinition<_hookd_v1_ConfigureResponse, _hookd_v1_ConfigureResponse__Output>
      ContainerPostUpdateRequest: MessageTypeDefinition<_hookd_v1_ContainerPostUpdateRequest, _hookd_v1_ContainerPostUpdateRequest__Output>
      ContainerPostUpdateResponse: MessageTypeDefinition<_hookd_v1_ContainerPostUpdateResponse, _hookd_v1_ContainerPostUpdateResponse__Output>
      ContainerPreCreateEndpointRequest: MessageTypeDefinition<_hookd_v1_ContainerPreCreateEndpointRequest, _hookd_v1_ContainerPreCreateEndpointRequest__Output>
      ContainerPreCreateEndpointResponse: MessageTypeDefinition<_hookd_v1_ContainerPreCreateEndpointResponse, _hookd_v1_ContainerPreCreateEndpointResponse__Output>
      ContainerPreCreateRequest: MessageTypeDefinition<_hookd_v1_ContainerPreCreateRequest, _hookd_v1_ContainerPreCreateRequest__Output>
      ContainerPreCreateResponse: MessageTypeDefinition<_hookd_v1_ContainerPreCreateResponse, _hookd_v1_ContainerPreCreateResponse__Output>
      ContainerPreStartRequest: MessageTypeDefinition<_hookd_v1_ContainerPreStartRequest, _hookd_v1_ContainerPreStartRequest__Output>
      ContainerPreStartResponse: MessageTypeDefinition<_hookd_v1_ContainerPreStartResponse, _hookd_v1_ContainerPreStartResponse__Output>
      ContainerPreUpdateRequest: MessageTypeDefinition<_hookd_v1_ContainerPreUpdateRequest, _hookd_v1_ContainerPreUpdateRequest__Output>
      ContainerPreUpdateResponse: MessageTypeDefinition<_hookd_v1_ContainerPreUpdateResponse, _hookd_v1_ContainerPreUpdateResponse__Output>
      CriPreCreateContainerRequest: MessageTypeDefinition<_hookd_v1_CriPreCreateContainerRequest, _hookd_v1_CriPreCreateContainerRequest__Output>
      CriPreCreateContainerResponse: MessageTypeDefinition<_hookd_v1_CriPreCreateContainerResponse, _hookd_v1_CriPreCreateContainerResponse__Output>
      DaemonPreStartRequest: MessageTypeDefinition<_hookd_v1_DaemonPreStartRequest, _hookd_v1_DaemonPreStartRequest__Output>
      DaemonPreStartResponse: MessageTypeDefinition<_hookd_v1_DaemonPreStartResponse, _hookd_v1_DaemonPreStartResponse__Output>
      DaemonPreStopRequest: MessageTypeDefinition<_hookd_v1_DaemonPreStopRequest, _hookd_v1_DaemonPreStopRequest__Output>
      DaemonPreStopResponse: MessageTypeDefinition<_hookd_v1_DaemonPreStopResponse, _hookd_v1_DaemonPreStopResponse__Output>
      DescribeRequest: MessageTypeDefinition<_hookd_v1_DescribeRequest, _hookd_v1_DescribeRequest__Output>
      DescribeResponse: MessageTypeDefinition<_hookd_v1_DescribeResponse, _hookd_v1_DescribeResponse__Output>
      EndpointPhase: EnumTypeDefinition
      FailurePolicy: EnumTypeDefinition
      HandleHttpRequest: MessageTypeDefinition<_hookd_v1_HandleHttpRequest, _hookd_v1_HandleHttpRequest__Output>
      HandleHttpResponse: MessageTypeDefinition<_hookd_v1_HandleHttpResponse, _hookd_v1_HandleHttpResponse__Output>
      Hook: EnumTypeDefinition
      HookContract: MessageTypeDefinition<_hookd_v1_HookContract, _hookd_v1_HookContract__Output>
      HookOptions: MessageTypeDefinition<_hookd_v1_HookOptions, _hookd_v1_HookOptions__Output>
      HookSubscription: MessageTypeDefinition<_hookd_v1_HookSubscription, _hookd_v1_HookSubscription__Output>
      HttpHeader: MessageTypeDefinition<_hookd_v1_HttpHeader, _hookd_v1_HttpHeader__Output>
      HttpPhase: EnumTypeDefinition
      HttpRequest: MessageTypeDefinition<_hookd_v1_HttpRequest, _hookd_v1_HttpRequest__Output>
      HttpResponse: MessageTypeDefinition<_hookd_v1_HttpResponse, _hookd_v1_HttpResponse__Output>
      ImagePostPullRequest: MessageTypeDefinition<_hookd_v1_ImagePostPullRequest, _hookd_v1_ImagePostPullRequest__Output>
      ImagePostPullResponse: MessageTypeDefinition<_hookd_v1_ImagePostPullResponse, _hookd_v1_ImagePostPullResponse__Output>
      JsonDocument: MessageTypeDefinition<_hookd_v1_JsonDocument, _hookd_v1_JsonDocument__Output>
      OciHook: MessageTypeDefinition<_hookd_v1_OciHook, _hookd_v1_OciHook__Output>
      Plugin: SubtypeConstructor<typeof grpc.Client, _hookd_v1_PluginClient> & { service: _hookd_v1_PluginDefinition }
      RequestContext: MessageTypeDefinition<_hookd_v1_RequestContext, _hookd_v1_RequestContext__Output>
      Route: MessageTypeDefinition<_hookd_v1_Route, _hookd_v1_Route__Output>
      RouteWrap: MessageTypeDefinition<_hookd_v1_RouteWrap, _hookd_v1_RouteWrap__Output>
      ShutdownRequest: MessageTypeDefinition<_hookd_v1_ShutdownRequest, _hookd_v1_ShutdownRequest__Output>
      ShutdownResponse: MessageTypeDefinition<_hookd_v1_ShutdownResponse, _hookd_v1_ShutdownResponse__Output>
      VolumePreCreateRequest: MessageTypeDefinition<_hookd_v1_VolumePreCreateRequest, _hookd_v1_VolumePreCreateRequest__Output>
      VolumePreCreateResponse: MessageTypeDefinition<_hookd_v1_VolumePreCreateResponse, _hookd_v1_VolumePreCreateResponse__Output>
    }
  }
}

